/**
 * What the bench modules share: the embedded PostgreSQL they run on, Pharos started as its own process
 * (so its peak RSS, worker threads included, is its own and the bench client does not share its event
 * loop), an API client that uploads and hears READY on the socket, and the figure formatting.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { createDatabaseIfMissing, startEmbeddedPostgres } from '../src/adapters/postgres/embedded.js';
import { silentLogger } from '../src/core/logger.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
export const PHOTOS = path.join(ROOT, 'test/fixtures/photos');

export const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
};
export const ms = (v: number) => `${v.toFixed(1)} ms`;

/** One figure: its ratio, the target, and whether it is met. */
export function figure(label: string, ratio: number, op: '≥' | '≤', target: number, detail: string): string {
  const met = op === '≥' ? ratio >= target : ratio <= target;
  return `${label} = ${ratio.toFixed(2)} (target ${op} ${target}) ${met ? 'met' : 'NOT met'} — ${detail}`;
}

export interface BenchDatabase {
  /** A fresh database on the shared embedded server. */
  database(name: string): Promise<string>;
  root: string;
  stop(): Promise<void>;
}

export async function startBenchDatabase(): Promise<BenchDatabase> {
  const root = await mkdtemp(path.join(tmpdir(), 'pharos-bench-'));
  await chmod(root, 0o755); // the embedded server's 'postgres' user must enter it when run as root
  const server = await startEmbeddedPostgres(path.join(root, 'postgres'), silentLogger);
  const admin = server.url.replace(/\/pharos$/, '/postgres');
  return {
    root,
    async database(name) {
      await createDatabaseIfMissing(admin, name);
      return admin.replace(/\/postgres$/, `/${name}`);
    },
    async stop() {
      await server.stop();
      await rm(root, { recursive: true, force: true });
    },
  };
}

export interface PharosServer {
  url: string;
  pid: number;
  /** Peak resident memory of the Pharos process so far (VmHWM: every thread of it, workers included). */
  peakRssMb(): Promise<number>;
  stop(): Promise<void>;
}

/** `npm start`'s entry point as a child process on the given database, ready when it prints its URL. */
export async function startPharos(env: Record<string, string>, dataDir: string): Promise<PharosServer> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'src/entry/server.ts'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      MALLOC_ARENA_MAX: '2', // as the npm start scripts set it
      HOME: process.env.HOME ?? '',
      PORT: '0',
      PHAROS_DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += String(d)));
  child.stderr!.on('data', (d) => (output += String(d)));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Pharos did not start:\n${output}`)), 60_000);
    const check = setInterval(() => {
      const match = /Pharos is running: (\S+)/.exec(output);
      if (!match) return;
      clearInterval(check);
      clearTimeout(timer);
      resolve(match[1]!);
    }, 50);
    child.on('exit', (code) => {
      clearInterval(check);
      clearTimeout(timer);
      reject(new Error(`Pharos exited with ${code}:\n${output}`));
    });
  });
  return {
    url,
    pid: child.pid!,
    async peakRssMb() {
      const status = await readFile(`/proc/${child.pid}/status`, 'utf8');
      return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? Number.NaN) / 1024;
    },
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** A user of a running Pharos: uploads, and the READY/FAILED messages of its WebSocket. */
export class BenchClient {
  readonly completed = new Map<string, { status: string; at: number }>();
  private readonly waiters = new Map<string, (at: number) => void>();
  private ws: WebSocket | null = null;

  private constructor(
    readonly url: string,
    readonly token: string,
  ) {}

  static async open(url: string): Promise<BenchClient> {
    const register = await fetch(`${url}/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'bench', password: 'bench password' }),
    });
    const { token } = (await register.json()) as { token: string };
    const client = new BenchClient(url, token);
    const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/ws?token=${token}`);
    await new Promise<void>((resolve, reject) => {
      ws.on('message', (data) => {
        const m = JSON.parse(String(data)) as { type: string; image_id: string; status: string };
        if (m.type === 'welcome') resolve();
        if (m.type !== 'image_processing_complete') return;
        const at = performance.now();
        client.completed.set(m.image_id, { status: m.status, at });
        client.waiters.get(m.image_id)?.(at);
      });
      ws.on('error', reject);
    });
    client.ws = ws;
    return client;
  }

  async upload(bytes: Uint8Array, name: string, process = true): Promise<string> {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(bytes)]), name);
    const response = await fetch(`${this.url}/images${process ? '' : '?process=false'}`, {
      method: 'POST',
      body: form,
      headers: { authorization: `Bearer ${this.token}` },
    });
    if (response.status !== 201)
      throw new Error(`upload failed: ${response.status} ${await response.text()}`);
    return ((await response.json()) as { image_id: string }).image_id;
  }

  /** When the socket said this photo was done (performance.now() time). */
  done(imageId: string): Promise<number> {
    const already = this.completed.get(imageId);
    if (already) return Promise.resolve(already.at);
    return new Promise((resolve) => this.waiters.set(imageId, resolve));
  }

  /** Uploads every item, `concurrency` at a time; returns the image ids in order. */
  async uploadAll(items: { bytes: Uint8Array; name: string }[], concurrency: number, process = true) {
    const ids: string[] = new Array(items.length);
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < items.length) {
          const i = next++;
          ids[i] = await this.upload(items[i]!.bytes, items[i]!.name, process);
        }
      }),
    );
    return ids;
  }

  close() {
    this.ws?.close();
  }
}

/** Samples GET /healthz latency every `everyMs` until stopped. */
export function sampleHealthz(url: string, everyMs = 10) {
  const latencies: number[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const started = performance.now();
      await (await fetch(`${url}/healthz`)).arrayBuffer();
      latencies.push(performance.now() - started);
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return latencies;
    },
  };
}
