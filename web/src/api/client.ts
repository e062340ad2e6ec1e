/** A small client for the public HTTP API, bound to one session's token. */
import { ApiError, parseError } from './errors';
import type {
  AiResults,
  Duplicate,
  Execution,
  ImageList,
  ImageListItem,
  ImageMetadata,
  ListFilters,
  Session,
} from './types';
import { effectiveSort } from './types';

export type UnauthorizedHandler = () => void;

export class Api {
  /**
   * @param base the API's URL ('' = this origin)
   * @param token the current token, read for every request (the sign-in provider renews it)
   */
  constructor(
    readonly base: string,
    private readonly token: () => string,
    private readonly onUnauthorized: UnauthorizedHandler = () => {},
  ) {}

  get authHeader(): string {
    return `Bearer ${this.token()}`;
  }

  async request(method: string, path: string, init: RequestInit = {}): Promise<Response> {
    let response: Response;
    try {
      response = await fetch(this.base + path, {
        ...init,
        method,
        headers: { authorization: this.authHeader, ...(init.headers ?? {}) },
      });
    } catch {
      throw new ApiError(0, 'network', 'the server could not be reached');
    }
    if (response.ok) return response;
    const error = parseError(response.status, await response.text());
    if (response.status === 401) this.onUnauthorized();
    throw error;
  }

  async json<T>(method: string, path: string, init?: RequestInit): Promise<T> {
    return (await (await this.request(method, path, init)).json()) as T;
  }

  list(filters: ListFilters, cursor?: string | null): Promise<ImageList> {
    const query = new URLSearchParams({ sort: effectiveSort(filters) });
    if (filters.q.trim()) query.set('q', filters.q.trim());
    if (filters.status) query.set('status', filters.status);
    if (filters.tag.trim()) query.set('tag', filters.tag.trim());
    if (cursor) query.set('cursor', cursor);
    return this.json<ImageList>('GET', `/images?${query}`);
  }

  /** Every photo of one near-duplicate group (an item's duplicate_group), newest first. */
  async group(duplicateGroup: string): Promise<ImageListItem[]> {
    const query = new URLSearchParams({ duplicate_group: duplicateGroup, limit: '100' });
    return (await this.json<ImageList>('GET', `/images?${query}`)).items;
  }

  metadata(id: string): Promise<ImageMetadata> {
    return this.json<ImageMetadata>('GET', `/images/${id}`);
  }

  ai(id: string): Promise<AiResults> {
    return this.json<AiResults>('GET', `/images/${id}/ai`);
  }

  async duplicates(id: string): Promise<Duplicate[]> {
    return (await this.json<{ items: Duplicate[] }>('GET', `/images/${id}/duplicates`)).items;
  }

  async executions(id: string): Promise<Execution[]> {
    return (await this.json<{ items: Execution[] }>('GET', `/images/${id}/executions`)).items;
  }

  async thumbnail(id: string, signal?: AbortSignal): Promise<Blob> {
    return (await this.request('GET', `/images/${id}/thumbnail`, { signal: signal ?? null })).blob();
  }

  /** The original photo (on AWS a 302 to a presigned S3 URL, which fetch follows). */
  async content(id: string, signal?: AbortSignal): Promise<Blob> {
    return (await this.request('GET', `/images/${id}/content`, { signal: signal ?? null })).blob();
  }

  process(id: string): Promise<{ image_id: string; status: 'PROCESSING'; execution_id: string }> {
    return this.json('POST', `/images/${id}/process`);
  }

  async remove(id: string): Promise<void> {
    await this.request('DELETE', `/images/${id}`);
  }
}

/** The list item a fresh upload stands for, before any AI output exists. */
export function listItemFromMetadata(meta: ImageMetadata, ai?: AiResults): ImageListItem {
  return {
    ...meta,
    status: ai?.status ?? meta.status,
    description: ai?.description ?? null,
    tags: ai?.tags ?? [],
    beauty_score: ai?.beauty_score ?? null,
    processed_at: ai?.processed_at ?? null,
    error: ai?.error ?? null,
    // The hash is read at upload; the group shows on the next list (the gallery reloads when grouping).
    duplicate_group: null,
    duplicates_count: 0,
  };
}

async function post<T>(base: string, path: string, body: unknown): Promise<T> {
  let response: Response;
  try {
    response = await fetch(base + path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'network', 'the server could not be reached');
  }
  const text = await response.text();
  if (!response.ok) throw parseError(response.status, text, response.headers.get('retry-after'));
  return JSON.parse(text) as T;
}

/** Local accounts (auth mode `local`). */
export async function signIn(
  base: string,
  mode: 'login' | 'register',
  username: string,
  password: string,
): Promise<Session> {
  const { user_id, token } = await post<{ user_id: string; token: string }>(base, `/auth/${mode}`, {
    username,
    password,
  });
  return { user_id, token, username: username.trim() };
}
