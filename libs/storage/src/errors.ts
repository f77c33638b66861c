/** A key or prefix outside the safe key grammar (see object-key.ts). */
export class InvalidKeyError extends Error {
  readonly code = 'invalid_key';
  constructor(
    readonly key: string,
    reason: string,
  ) {
    super(`Invalid object key ${JSON.stringify(key.slice(0, 200))}: ${reason}`);
    this.name = 'InvalidKeyError';
  }
}

/** Put options the drivers cannot store identically (bad content type or metadata). */
export class InvalidObjectOptionsError extends Error {
  readonly code = 'invalid_object_options';
  constructor(message: string) {
    super(message);
    this.name = 'InvalidObjectOptionsError';
  }
}

/** The store was asked for something its configuration does not allow (e.g. URLs without a secret). */
export class ObjectStoreConfigError extends Error {
  readonly code = 'object_store_config';
  constructor(message: string) {
    super(message);
    this.name = 'ObjectStoreConfigError';
  }
}
