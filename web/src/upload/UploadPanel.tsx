import { type DragEvent, useId, useRef, useState } from 'react';
import type { Api } from '../api/client';
import type { ImageMetadata } from '../api/types';
import { UploadList } from './UploadList';
import { type UploadSettings, useUploads } from './useUploads';

interface Props {
  api: Api;
  settings: UploadSettings;
  onUploaded(meta: ImageMetadata, since: number): void;
  currentSeq(): number;
}

/** Drop zone and file picker; the server decides what it accepts and says why it refuses. */
export function UploadPanel({ api, settings, onUploaded, currentSeq }: Props) {
  const { entries, add, clearFinished } = useUploads(api, settings, onUploaded, currentSeq);
  const [over, setOver] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const id = useId();

  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setOver(false);
    add(Array.from(event.dataTransfer.files));
  };

  return (
    <section className="upload" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`} className="visually-hidden">
        Upload photos
      </h2>
      <div
        className={`dropzone${over ? ' dropzone--over' : ''}`}
        data-testid="dropzone"
        onDragOver={(e) => {
          e.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={onDrop}
      >
        <p>
          <strong>Drop photos here</strong> or
        </p>
        <button type="button" className="button button--primary" onClick={() => input.current?.click()}>
          Choose photos…
        </button>
        <input
          ref={input}
          id={`${id}-input`}
          className="visually-hidden"
          type="file"
          accept="image/*"
          multiple
          tabIndex={-1}
          aria-label="Photos to upload"
          onChange={(e) => {
            add(Array.from(e.target.files ?? []));
            e.target.value = '';
          }}
        />
        <p className="hint">JPEG, PNG, WebP and other common formats; many at once.</p>
      </div>
      <UploadList entries={entries} onClear={clearFinished} />
    </section>
  );
}
