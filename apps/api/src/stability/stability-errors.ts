import type { StabilityBadRequestName } from '@easel/contracts';
import { DomainError } from '../common/domain-errors.js';

/** A 400 with one of Stability v1's specific names (`invalid_height_or_width`, `invalid_samples`, …). */
export class StabilityBadRequestError extends DomainError {
  constructor(
    readonly code: StabilityBadRequestName,
    message: string,
  ) {
    super(message);
  }
}

/** 500 `server_error`: the generation failed (and was refunded) or did not finish in time. */
export class StabilityServerError extends DomainError {
  readonly code = 'server_error';
}
