/**
 * Browser-test support: Debian's Chromium driven by playwright-core (no browser download), the web
 * UI built if needed, console watching, and a TCP proxy that can cut the page's network.
 */
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { type Browser, type ConsoleMessage, chromium, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { startTestServer, type TestServer } from '../support/server.js';
import { MILESTONE } from '../../web/src/milestones.js';

/**
 * Timings the browser tests read, rebuilt inside the page from the UI's User Timing marks (see
 * web/src/milestones.ts): the UI itself carries no test hook. Epoch milliseconds with sub-millisecond
 * precision (timeOrigin + the mark's time), comparable with timestamps taken by another process.
 */
export interface CompletionSample {
  image_id: string;
  status: string;
  receivedAt: number;
  /** When the photo's results were in hand (prefetched, or fetched after the message). */
  resultsAt: number | null;
  renderedAt: number | null;
}

export interface PharosMetrics {
  completions: CompletionSample[];
  /** Connections the server accepted. */
  socketOpens: number;
  /** Connection attempts, failed ones included. */
  socketAttempts: number;
}

declare global {
  interface Window {
    __pharosMetrics?: PharosMetrics;
  }
}

/** Call before the page loads: collects the UI's marks into `window.__pharosMetrics`. */
export async function installMilestones(page: Page): Promise<void> {
  await page.addInitScript((names: typeof MILESTONE) => {
    const metrics: PharosMetrics = { completions: [], socketOpens: 0, socketAttempts: 0 };
    window.__pharosMetrics = metrics;
    const at = (entry: PerformanceEntry) => performance.timeOrigin + entry.startTime;
    // Marks that came before their completion message: a list refetch can show a finished photo before
    // the socket delivers its message (more likely when busy). They belong to the next completion of the
    // photo, with their own (earlier) times: the card was ahead of the message.
    const early = new Map<string, { resultsAt?: number; renderedAt?: number }>();
    const firstOpen = (id: string, field: 'resultsAt' | 'renderedAt', time: number) => {
      let open = false;
      for (const sample of metrics.completions)
        if (sample.image_id === id && sample[field] === null && sample.receivedAt <= time) {
          sample[field] = time;
          open = true;
        }
      if (!open) early.set(id, { ...early.get(id), [field]: time });
    };
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries() as PerformanceMark[]) {
        const detail = (entry.detail ?? {}) as { image_id?: string; status?: string };
        if (entry.name === names.completion) {
          const before = early.get(detail.image_id!);
          early.delete(detail.image_id!);
          metrics.completions.push({
            image_id: detail.image_id!,
            status: detail.status!,
            receivedAt: at(entry),
            resultsAt: before?.resultsAt ?? null,
            renderedAt: before?.renderedAt ?? null,
          });
        } else if (entry.name === names.results) firstOpen(detail.image_id!, 'resultsAt', at(entry));
        else if (entry.name === names.rendered) firstOpen(detail.image_id!, 'renderedAt', at(entry));
        else if (entry.name === names.socketAttempt) metrics.socketAttempts += 1;
        else if (entry.name === names.socketOpen) metrics.socketOpens += 1;
      }
    }).observe({ type: 'mark', buffered: true });
  }, MILESTONE);
}

export const CHROMIUM = process.env.PHAROS_CHROMIUM ?? '/usr/bin/chromium';
export const SHOTS = path.resolve('test-results/ui');

/** The tests need web/dist; `npm test` builds it in pretest, this covers `npx vitest run test/ui`. */
export function ensureWebBuild(): void {
  execFileSync(process.execPath, ['scripts/ensure-web-build.mjs'], { stdio: 'inherit' });
}

export async function launchBrowser(): Promise<Browser> {
  mkdirSync(SHOTS, { recursive: true });
  // launch() gives the browser a fresh temporary --user-data-dir of its own and removes it on close.
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** What a browser test file works with: one real server, one Chromium and a watched page. */
export interface UiSession {
  server: TestServer;
  browser: Browser;
  page: Page;
  watch: ConsoleWatch;
}

export interface UiSessionOptions {
  /** The server's environment, or a function making it (e.g. once a provider it names has started). */
  env?: Record<string, string> | (() => Promise<Record<string, string>>);
  /** Runs on the new page before any test: installMilestones, recordSockets. */
  preparePage?: (page: Page) => Promise<void>;
}

/**
 * Starts the server and the browser before the file's tests and stops both after them. The fields are
 * filled in by then: read them inside tests and hooks, not at module level.
 */
export function useUiSession(options: UiSessionOptions = {}): UiSession {
  const session = {} as UiSession;
  beforeAll(async () => {
    ensureWebBuild();
    const env = typeof options.env === 'function' ? await options.env() : options.env;
    [session.server, session.browser] = await Promise.all([startTestServer(env), launchBrowser()]);
    session.page = await session.browser.newPage({ viewport: { width: 1280, height: 900 } });
    await options.preparePage?.(session.page);
    session.watch = watchConsole(session.page);
  });
  afterAll(async () => {
    await session.browser?.close();
    await session.server?.stop();
  });
  return session;
}

export interface ConsoleWatch {
  errors: string[];
  /** Errors, minus the lines Chromium itself prints for requests it was told to expect to fail. */
  unexpected(allowed?: RegExp[]): string[];
}

/** Records console errors and uncaught page errors. */
export function watchConsole(page: Page): ConsoleWatch {
  const errors: string[] = [];
  page.on('console', (message: ConsoleMessage) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()} @ ${message.location().url}`);
  });
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  return {
    errors,
    unexpected: (allowed = []) => errors.filter((e) => !allowed.some((a) => a.test(e))),
  };
}

export async function registerViaUi(
  page: Page,
  baseUrl: string,
  username = `ui${Math.random().toString(36).slice(2, 9)}`,
) {
  await page.goto(baseUrl);
  await page.getByRole('button', { name: 'New here? Create an account' }).click();
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill('correct horse battery');
  await page.getByRole('button', { name: 'Create an account' }).click();
  await page.getByTestId('username').filter({ hasText: username }).waitFor();
  await page.locator('[data-testid=connection][data-state=live]').waitFor();
  return username;
}

export async function uploadViaPicker(page: Page, files: string[]): Promise<void> {
  await page.getByLabel('Photos to upload').setInputFiles(files);
}

/** The gallery card of the photo with this file name. */
export function card(page: Page, filename: string): Locator {
  return page
    .getByTestId('image-card')
    .filter({ has: page.getByRole('heading', { name: filename, exact: true }) });
}

export async function token(page: Page): Promise<string> {
  return page.evaluate(
    () => (JSON.parse(sessionStorage.getItem('pharos.session') ?? '{}') as { token: string }).token,
  );
}

/** A screenshot for a human to look at; a modal dialog reads better in the viewport than full page. */
export function shot(page: Page, name: string, fullPage = true) {
  return page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage });
}

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/** Runs axe-core (WCAG 2 A/AA rules) on the page; returns the serious and critical violations. */
export async function accessibilityViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: createRequire(import.meta.url).resolve('axe-core/axe.min.js') });
  const violations = await page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: { run(context: Document, options: object): Promise<{ violations: AxeViolation[] }> };
      }
    ).axe;
    const result = await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    });
    return result.violations;
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help} — ${v.nodes
          .map((n) => n.target.join(' '))
          .slice(0, 3)
          .join(', ')}`,
    );
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * A TCP proxy in front of the server, so a test can pull the page's network cable: `drop()` resets
 * every open connection (the WebSocket included) and refuses new ones until `restore()`.
 */
export class NetworkCable {
  private readonly sockets = new Set<net.Socket>();
  private connected = true;
  private server: net.Server | null = null;
  /** When connections were refused while the cable was out (the page's reconnect attempts). */
  readonly refusedAt: number[] = [];
  url = '';

  constructor(private readonly target: URL) {}

  async start(): Promise<string> {
    this.server = net.createServer((client) => {
      if (!this.connected) {
        this.refusedAt.push(Date.now());
        return client.resetAndDestroy();
      }
      const upstream = net.connect(
        Number(this.target.port),
        this.target.hostname === 'localhost' ? '127.0.0.1' : this.target.hostname,
      );
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => {
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as net.AddressInfo;
    this.url = `http://localhost:${port}`;
    return this.url;
  }

  drop(): void {
    this.connected = false;
    for (const s of this.sockets) s.resetAndDestroy();
  }

  restore(): void {
    this.connected = true;
  }

  async stop(): Promise<void> {
    this.drop();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

declare global {
  interface Window {
    __pharosSockets?: WebSocket[];
  }
}

/** Call before the page loads: every WebSocket the page opens is kept in `window.__pharosSockets`. */
export async function recordSockets(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const sockets: WebSocket[] = [];
    window.__pharosSockets = sockets;
    const Original = window.WebSocket;
    window.WebSocket = class extends Original {
      constructor(url: string | URL, protocols?: string | string[]) {
        super(url, protocols);
        sockets.push(this);
      }
    };
  });
}

/** How many of the page's WebSockets are not closed (or closing). */
export function openSockets(page: Page): Promise<number> {
  return page.evaluate(
    () =>
      (window.__pharosSockets ?? []).filter(
        (s) => s.readyState === WebSocket.CONNECTING || s.readyState === WebSocket.OPEN,
      ).length,
  );
}
