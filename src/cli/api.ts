/** A small client for the Pharos HTTP API (the same endpoints the web UI uses). */
import { openAsBlob } from 'node:fs';
import path from 'node:path';
import { CliError, EXIT } from './errors.js';

export type {
  AiResults,
  Execution,
  ImageListItem,
  ImageMetadata,
  ImageStatus,
  TimelineState,
} from '../app/http/api-types.js';
import type { AiResults, Execution, ImageListItem, ImageMetadata } from '../app/http/api-types.js';

/** The server answered with an error status: code and message from its {"error":{…}} body. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export function normaliseUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new CliError(`not a URL: ${raw} (e.g. http://localhost:8080)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new CliError(`the server URL must be http(s): ${raw}`);
  return url.toString().replace(/\/+$/, '');
}

export class PharosApi {
  constructor(
    readonly baseUrl: string,
    private readonly token: string | null,
  ) {}

  private async request(method: string, pathname: string, init: RequestInit = {}): Promise<Response> {
    const headers: Record<string, string> = {
      accept: 'application/json',
      ...(init.headers as Record<string, string> | undefined),
    };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}${pathname}`, { ...init, method, headers });
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      throw new CliError(
        `cannot reach the Pharos server at ${this.baseUrl}: ${cause?.code ?? cause?.message ?? String(error)}`,
        EXIT.usage,
      );
    }
    if (response.ok) return response;
    let code = 'http_error';
    let message = `${response.status} ${response.statusText}`;
    try {
      const body = (await response.json()) as { error?: { code?: string; message?: string } };
      if (body.error?.code) code = body.error.code;
      if (body.error?.message) message = body.error.message;
    } catch {
      // Not our JSON error shape (a proxy's page): keep the status line.
    }
    if (response.status === 401 && pathname !== '/auth/login') {
      throw new CliError(
        `not signed in, or the session expired (${message}): run \`pharos login\``,
        EXIT.usage,
      );
    }
    throw new ApiError(response.status, code, message);
  }

  private async json<T>(method: string, pathname: string, init: RequestInit = {}): Promise<T> {
    const response = await this.request(method, pathname, init);
    return (await response.json()) as T;
  }

  login(username: string, password: string) {
    return this.json<{ user_id: string; token: string }>('POST', '/auth/login', {
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
  }

  async upload(file: string, options: { process?: boolean } = {}): Promise<ImageMetadata> {
    const form = new FormData();
    form.append('file', await openAsBlob(file), path.basename(file));
    const query = options.process === false ? '?process=false' : '';
    return this.json<ImageMetadata>('POST', `/images${query}`, { body: form });
  }

  get(id: string) {
    return this.json<ImageMetadata>('GET', `/images/${encodeURIComponent(id)}`);
  }

  results(id: string) {
    return this.json<AiResults>('GET', `/images/${encodeURIComponent(id)}/ai`);
  }

  process(id: string) {
    return this.json<{ image_id: string; status: 'PROCESSING'; execution_id: string }>(
      'POST',
      `/images/${encodeURIComponent(id)}/process`,
    );
  }

  timeline(id: string) {
    return this.json<{ items: Execution[] }>('GET', `/images/${encodeURIComponent(id)}/executions`);
  }

  list(query: { q?: string; status?: string; tag?: string; sort?: string; limit?: number; cursor?: string }) {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) if (value !== undefined) params.set(key, String(value));
    const qs = params.toString();
    return this.json<{ items: ImageListItem[]; next_cursor: string | null }>(
      'GET',
      `/images${qs ? `?${qs}` : ''}`,
    );
  }

  /** The WebSocket URL for live updates (the token travels as a subprotocol, not in the URL). */
  socketUrl(): string {
    return `${this.baseUrl.replace(/^http/, 'ws')}/ws`;
  }

  get bearer(): string | null {
    return this.token;
  }
}
