import { useEffect, useState } from 'react';
import type { Api } from '../api/client';
import type { ThumbnailCache } from '../api/thumbnails';
import { Thumbnail } from '../gallery/Thumbnail';

type Original =
  { state: 'idle' } | { state: 'loading' } | { state: 'shown'; url: string } | { state: 'failed' };

/**
 * The thumbnail, and on request the original photo in its place. The original needs the
 * Authorization header like the thumbnail (on AWS the API answers a 302 to a presigned S3 URL, which
 * fetch follows), so it is fetched and shown through an object URL, released when the dialog closes.
 */
export function FullImage({
  api,
  thumbnails,
  id,
  alt,
  inspected,
}: {
  api: Api;
  thumbnails: ThumbnailCache;
  id: string;
  alt: string;
  /** Whether the photo passed inspection (before, or when refused, there is nothing to show). */
  inspected: boolean;
}) {
  const [original, setOriginal] = useState<Original>({ state: 'idle' });
  useEffect(() => {
    if (original.state !== 'shown') return;
    return () => URL.revokeObjectURL(original.url);
  }, [original]);

  const show = () => {
    setOriginal({ state: 'loading' });
    api.content(id).then(
      (blob) => setOriginal({ state: 'shown', url: URL.createObjectURL(blob) }),
      () => setOriginal({ state: 'failed' }),
    );
  };

  return (
    <>
      {original.state === 'shown' ? (
        <img className="thumb thumb--full" src={original.url} alt={alt} data-testid="full-image" />
      ) : (
        <Thumbnail cache={thumbnails} id={id} alt={alt} exists={inspected} />
      )}
      {inspected && original.state !== 'shown' && (
        <button type="button" className="button" onClick={show} disabled={original.state === 'loading'}>
          {original.state === 'loading' ? 'Loading full size…' : 'Full size'}
        </button>
      )}
      {original.state === 'failed' && (
        <p className="error" role="alert">
          The original could not be loaded.
        </p>
      )}
    </>
  );
}
