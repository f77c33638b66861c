// Domain errors of the credit ledger; the HTTP layer maps them in its global filter.

/** The account cannot pay: map to 402 `insufficient_credits`. */
export class InsufficientCreditsError extends Error {
  override readonly name = 'InsufficientCreditsError';
  readonly code = 'insufficient_credits';
  readonly userId: string;
  readonly required: number;
  readonly available: number;

  constructor(userId: string, required: number, available: number) {
    super(`insufficient credits: ${required} required, ${available} available`);
    this.userId = userId;
    this.required = required;
    this.available = available;
  }
}

/** No credit balance row for the user (openAccount was never called). */
export class LedgerAccountNotFoundError extends Error {
  override readonly name = 'LedgerAccountNotFoundError';
  readonly code = 'not_found';
  readonly userId: string;

  constructor(userId: string) {
    super(`no credit account for user ${userId}`);
    this.userId = userId;
  }
}

/** A reference was reused for a different movement (other user, kind or amount): a caller bug. */
export class LedgerReferenceConflictError extends Error {
  override readonly name = 'LedgerReferenceConflictError';
  readonly code = 'reference_conflict';
  readonly reference: string;

  constructor(reference: string) {
    super(`ledger reference ${reference} already records a different movement`);
    this.reference = reference;
  }
}

/** Bad arguments to the ledger (non-positive amount, malformed cursor, limit out of range). */
export class LedgerArgumentError extends Error {
  override readonly name = 'LedgerArgumentError';
  readonly code = 'invalid_request';
}
