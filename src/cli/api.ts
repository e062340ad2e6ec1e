/** A small client for the Pharos HTTP API (the same endpoints the web UI uses). */
import { CliError, EXIT } from './errors.js';

export type {
  AiResults,
  Execution,
  ImageListItem,
  ImageMetadata,
  ImageStatus,
  TimelineState,
} from '../app/http/api-types.js';
import type {
  AiResults,
  Execution,
  ImageListItem,
  ImageMetadata,
  UploadSlot,
  UploadSlotRequest,
} from '../app/http/api-types.js';
import { type WebConfig, WebConfigSchema } from '../app/http/web-config.js';

/**
 * The server's own description of itself (`GET /config.json`, as the web UI reads it): where the
 * API and the live socket are, how to sign in and to upload. Null for a server without one.
 */
export async function fetchServerConfig(url: string): Promise<WebConfig | null> {
  try {
    const response = await fetch(`${url}/config.json`, { headers: { accept: 'application/json' } });
    if (!response.ok) return null;
    const parsed = WebConfigSchema.safeParse(await response.json());
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

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
  /**
   * @param baseUrl the server (the API unless the configuration names another)
   * @param config the server's /config.json, when it has one
   */
  constructor(
    readonly baseUrl: string,
    private readonly token: string | null,
    readonly config: WebConfig | null = null,
  ) {}

  /** A client for this server, told by its /config.json where the API and the socket are. */
  static async discover(url: string, token: string | null): Promise<PharosApi> {
    const config = await fetchServerConfig(url);
    return new PharosApi(config?.apiBaseUrl ? normaliseUrl(config.apiBaseUrl) : url, token, config);
  }

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
    if (response.status === 401 && !pathname.startsWith('/auth/')) {
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

  /** `POST /auth/login`, or `/auth/register` (a new local account, signed in at once). */
  signIn(how: 'login' | 'register', username: string, password: string) {
    return this.json<{ user_id: string; token: string }>('POST', `/auth/${how}`, {
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
  }

  /** The multipart route: the form (see upload.ts) posted to the API. */
  upload(form: FormData, options: { process?: boolean } = {}): Promise<ImageMetadata> {
    const query = options.process === false ? '?process=false' : '';
    return this.json<ImageMetadata>('POST', `/images${query}`, { body: form });
  }

  /** The direct route's first step: the photo's record (UPLOADING) and a presigned POST for its bytes. */
  createUploadSlot(request: UploadSlotRequest) {
    return this.json<UploadSlot>('POST', '/images/uploads', {
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(request),
    });
  }

  async delete(id: string): Promise<void> {
    await this.request('DELETE', `/images/${encodeURIComponent(id)}`);
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

  /** The WebSocket URL for live updates, with the token in `?token=` as API Gateway's $connect reads it. */
  socketUrl(): string {
    const url = new URL(this.config?.webSocketUrl || `${this.baseUrl.replace(/^http/, 'ws')}/ws`);
    if (this.token) url.searchParams.set('token', this.token);
    return url.toString();
  }

  get bearer(): string | null {
    return this.token;
  }
}
