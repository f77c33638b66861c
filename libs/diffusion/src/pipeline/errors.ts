/** Base class of the errors the pipeline throws on purpose; `code` is stable and machine-readable. */
export class DiffusionError extends Error {
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A request field is missing, out of range or inconsistent with another one. */
export class InvalidRequestError extends DiffusionError {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super('invalid_request', `${field}: ${message}`);
  }
}

/** An image (init image or mask) cannot be decoded or does not fit the request. */
export class InvalidImageError extends DiffusionError {
  constructor(
    readonly field: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super('invalid_image', `${field}: ${message}`, options);
  }
}

/** The run was stopped through its AbortSignal. */
export class CanceledError extends DiffusionError {
  constructor(readonly step: number) {
    super('canceled', `generation canceled after ${step} step(s)`);
  }
}
