import { useEffect, useId, useState, type DragEvent, type ReactNode } from 'react';
import { errorText } from '../api/errors';
import type { InitImage } from './generate-form';
import { loadInitImage } from './load-image';

interface Props {
  value: InitImage | null;
  onChange: (image: InitImage | null) => void;
  /** Hide the preview (the mask editor shows the image instead). */
  hidePreview?: boolean;
}

/** The image to start from: choose a file, drop one, or paste one. */
export function ImageInput({ value, onChange, hidePreview }: Props): ReactNode {
  const inputId = useId();
  const [dragging, setDragging] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);

  const take = async (file: Blob | null | undefined, name: string): Promise<void> => {
    if (!file) return;
    setFailure(null);
    try {
      onChange(await loadInitImage(file, name));
    } catch (error) {
      setFailure(errorText(error));
    }
  };

  // Paste anywhere on the page while this is shown (unless typing into a field).
  useEffect(() => {
    const onPaste = (event: ClipboardEvent): void => {
      const file = Array.from(event.clipboardData?.files ?? []).find((f) => f.type.startsWith('image/'));
      if (!file) return;
      event.preventDefault();
      void take(file, file.name || 'pasted image');
    };
    document.addEventListener('paste', onPaste);
    return () => document.removeEventListener('paste', onPaste);
  });

  const onDrop = (event: DragEvent<HTMLDivElement>): void => {
    event.preventDefault();
    setDragging(false);
    const file = event.dataTransfer.files[0];
    void take(file, file?.name ?? 'dropped image');
  };

  return (
    <div className="image-input">
      <div
        className={`dropzone${dragging ? ' dragging' : ''}`}
        data-testid="dropzone"
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
      >
        {value && !hidePreview && (
          <img src={value.url} alt={`Init image: ${value.name}`} className="init-preview" />
        )}
        <div>
          <label htmlFor={inputId} className="button secondary">
            {value ? 'Choose another image' : 'Choose an image'}
          </label>
          <input
            id={inputId}
            className="visually-hidden"
            type="file"
            accept="image/png,image/jpeg,image/webp"
            onChange={(e) => void take(e.target.files?.[0], e.target.files?.[0]?.name ?? 'image')}
          />
          <p className="hint">…or drop one here, or paste one (Ctrl+V).</p>
          {value && (
            <p className="hint">
              {value.name}, {value.width}×{value.height}{' '}
              <button type="button" className="link" onClick={() => onChange(null)}>
                Remove
              </button>
            </p>
          )}
        </div>
      </div>
      {failure && (
        <p className="error" role="alert">
          {failure}
        </p>
      )}
    </div>
  );
}
