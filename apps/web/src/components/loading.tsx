import type { ReactNode } from 'react';

export function Loading({ label }: { label: string }): ReactNode {
  return (
    <div className="loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      <span>{label}…</span>
    </div>
  );
}
