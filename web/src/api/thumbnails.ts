/**
 * Thumbnails need the Authorization header, which `<img src>` cannot send: they are fetched and
 * shown through object URLs, kept for the session (a thumbnail never changes) and revoked at the end.
 */
import type { Api } from './client';

export class ThumbnailCache {
  private readonly urls = new Map<string, Promise<string>>();

  constructor(private readonly api: Api) {}

  get(id: string): Promise<string> {
    let url = this.urls.get(id);
    if (!url) {
      url = this.api.thumbnail(id).then((blob) => URL.createObjectURL(blob));
      // A failure is not cached: the next render may try again.
      url.catch(() => this.urls.delete(id));
      this.urls.set(id, url);
    }
    return url;
  }

  forget(id: string): void {
    void this.urls.get(id)?.then(URL.revokeObjectURL, () => {});
    this.urls.delete(id);
  }

  dispose(): void {
    for (const id of [...this.urls.keys()]) this.forget(id);
  }
}
