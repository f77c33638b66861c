export type ModelErrorCode =
  'missing_file' | 'corrupt_model' | 'bad_tensor' | 'provider_unavailable' | 'unsupported';

/** Errors loading or running a model folder, with a stable machine code. */
export class ModelError extends Error {
  override readonly name = 'ModelError';
  constructor(
    readonly code: ModelErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
