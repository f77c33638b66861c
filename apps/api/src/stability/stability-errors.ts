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

/** The v1 message for an unknown engine, word for word as Stability's spec gives it. */
export function engineNotFoundMessage(engineId: string): string {
  return `The specified engine (ID ${engineId}) was not found.`;
}
