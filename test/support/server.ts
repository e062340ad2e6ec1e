/**
 * Starts the real Pharos runtime in-process (real PostgreSQL, real HTTP server, real WebSocket) on a
 * fresh database and a temporary data directory, with a small API client for the tests.
 */
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { loadConfig } from '../../src/app/config.js';
import { createLogger } from '../../src/app/logger.js';
import type { Logger } from '../../src/core/ports/logger.js';
import { type Role, type Runtime, startRuntime } from '../../src/app/runtime.js';
import { freshDatabaseUrl } from './database.js';
import { eventually } from './wait.js';

export const PHOTOS = fileURLToPath(new URL('../fixtures/photos/', import.meta.url));
export const photo = (name: string) => readFile(path.join(PHOTOS, name));

/** Every file under `dir` (none when it does not exist). */
export async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

export interface TestServer {
  url: string;
  databaseUrl: string;
  dataDir: string;
  runtime: Runtime;
  stop(): Promise<void>;
}

/** Defaults: scripted providers and retry delays scaled down 100x, so tests are fast and deterministic. */
export async function startTestServer(
  env: Record<string, string> = {},
  options: { role?: Role; databaseUrl?: string; dataDir?: string; logger?: Logger } = {},
): Promise<TestServer> {
  const dataDir = options.dataDir ?? (await mkdtemp(path.join(tmpdir(), 'pharos-test-data-')));
  const databaseUrl = options.databaseUrl ?? (await freshDatabaseUrl());
  const config = loadConfig({
    PORT: '0',
    PHAROS_DATA_DIR: dataDir,
    DATABASE_URL: databaseUrl,
    PHAROS_LABELS: 'scripted',
    PHAROS_DESCRIBER: 'scripted',
    PHAROS_BEAUTY: 'scripted',
    PHAROS_RETRY_DELAY_SCALE: '0.01',
    PHAROS_WORKER_BATCH: '4',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    ...env,
  });
  const runtime = await startRuntime(
    config,
    options.role ?? 'all',
    options.logger ?? createLogger(config.LOG_LEVEL),
  );
  return {
    url: runtime.url ?? '',
    databaseUrl,
    dataDir,
    runtime,
    async stop() {
      await runtime.stop();
      if (!options.dataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export class ApiClient {
  constructor(
    readonly baseUrl: string,
    public token = '',
  ) {}

  static async register(baseUrl: string, username = `user${Math.random().toString(36).slice(2, 10)}`) {
    const response = await fetch(`${baseUrl}/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password: 'correct horse battery' }),
    });
    if (response.status !== 201)
      throw new Error(`register failed: ${response.status} ${await response.text()}`);
    const body = (await response.json()) as { user_id: string; token: string };
    const client = new ApiClient(baseUrl, body.token);
    return Object.assign(client, { userId: body.user_id });
  }

  request(method: string, pathname: string, init: RequestInit = {}) {
    return fetch(`${this.baseUrl}${pathname}`, {
      ...init,
      method,
      headers: { ...(this.token ? { authorization: `Bearer ${this.token}` } : {}), ...(init.headers ?? {}) },
    });
  }

  async json<T = Record<string, unknown>>(method: string, pathname: string, init: RequestInit = {}) {
    const response = await this.request(method, pathname, init);
    const body = response.status === 204 ? null : ((await response.json()) as T);
    return { status: response.status, body: body as T };
  }

  upload(bytes: Uint8Array, filename = 'photo.jpg', query = '') {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(bytes)]), filename);
    return this.json<{ image_id: string; status: string; error?: { code: string; message: string } }>(
      'POST',
      `/images${query}`,
      { body: form },
    );
  }

  async waitForStatus(imageId: string, statuses: string[], timeoutMs = 30_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { body } = await this.json<{ status: string }>('GET', `/images/${imageId}/ai`);
      if (statuses.includes(body.status)) return body;
      if (Date.now() > deadline) throw new Error(`image ${imageId} stayed ${body.status}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /**
   * The photo's execution timeline once every execution is closed. The completion message is sent by
   * the Notify state, just before the runner closes the execution: a test that reads the timeline right
   * after that message must wait for this.
   */
  async closedTimeline<T extends { items: { status: string }[] }>(imageId: string, timeoutMs = 30_000) {
    return eventually(
      async () => {
        const { body } = await this.json<T>('GET', `/images/${imageId}/executions`);
        return body.items.length > 0 && body.items.every((e) => e.status !== 'RUNNING') && body;
      },
      `every execution of image ${imageId} to be closed`,
      timeoutMs,
    );
  }

  async socket(): Promise<SocketProbe> {
    return SocketProbe.open(
      `${this.baseUrl.replace(/^http/, 'ws')}/ws?token=${encodeURIComponent(this.token)}`,
    );
  }
}

/** A real WebSocket client that records every message, with a way to wait for one. */
export class SocketProbe {
  readonly messages: Record<string, unknown>[] = [];
  private waiters: {
    match: (m: Record<string, unknown>) => boolean;
    resolve: (m: Record<string, unknown>) => void;
  }[] = [];

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const message = JSON.parse(String(data)) as Record<string, unknown>;
      this.messages.push(message);
      this.waiters = this.waiters.filter((w) => (w.match(message) ? (w.resolve(message), false) : true));
    });
  }

  static open(url: string, protocols?: string[]): Promise<SocketProbe> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, protocols);
      const probe = new SocketProbe(ws);
      ws.once('error', reject);
      // The server greets an authenticated socket once it is subscribed.
      void probe.waitFor((m) => m.type === 'welcome', 10_000).then(() => resolve(probe), reject);
    });
  }

  waitFor(
    match: (m: Record<string, unknown>) => boolean,
    timeoutMs = 30_000,
  ): Promise<Record<string, unknown>> {
    const found = this.messages.find(match);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no matching WebSocket message in ${timeoutMs} ms`)),
        timeoutMs,
      );
      this.waiters.push({ match, resolve: (m) => (clearTimeout(timer), resolve(m)) });
    });
  }

  close() {
    this.ws.close();
  }
}
