import { useState, type ReactNode } from 'react';

/** Copies `text` and says so; falls back to selecting it when the clipboard is not available. */
export function CopyButton({ text, label = 'Copy' }: { text: string; label?: string }): ReactNode {
  const [done, setDone] = useState<string | null>(null);
  const copy = async (): Promise<void> => {
    try {
      await navigator.clipboard.writeText(text);
      setDone('Copied.');
    } catch {
      setDone('Copy it by hand: the clipboard is not available here.');
    }
  };
  return (
    <>
      <button type="button" className="secondary" onClick={() => void copy()}>
        {label}
      </button>
      <span className="hint" role="status" aria-live="polite">
        {done}
      </span>
    </>
  );
}
