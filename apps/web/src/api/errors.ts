import { ApiError } from '@easel/sdk';

/** A message as a sentence: capitalised, ending in a full stop. */
export function sentence(text: string): string {
  const trimmed = text.trim();
  if (!trimmed) return 'Something went wrong.';
  const capital = trimmed[0].toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}

/** The `message` of an API error body `{id, name, message}`, or `fallback`. */
export function messageOf(body: unknown, fallback: string): string {
  if (body && typeof body === 'object' && typeof (body as { message?: unknown }).message === 'string') {
    return sentence((body as { message: string }).message);
  }
  return fallback;
}

/** What to show a person for any error the dashboard catches. */
export function errorText(error: unknown): string {
  if (error instanceof ApiError) return sentence(error.message);
  if (error instanceof Error) {
    if (error.name === 'AbortError') return 'Stopped.';
    return sentence(error.message);
  }
  return 'Something went wrong.';
}

export function isInsufficientCredits(error: unknown): boolean {
  return error instanceof ApiError && (error.status === 402 || error.code === 'insufficient_credits');
}
