import type { ReactNode } from 'react';
import { errorText } from '../api/errors';

/** An error as a sentence, announced to screen readers. */
export function ErrorText({ error, children }: { error: unknown; children?: ReactNode }): ReactNode {
  if (!error) return null;
  return (
    <div className="error" role="alert">
      {errorText(error)} {children}
    </div>
  );
}
