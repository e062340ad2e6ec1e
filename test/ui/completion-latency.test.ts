/**
 * The figure for the note: from the server sending the completion message to the card being
 * rendered with the results, p50 over 20 photos — uploaded all at once through the page (a busy
 * moment), then reprocessed one at a time (the seed's one-photo story).
 *
 * Two clocks, both epoch milliseconds with sub-millisecond resolution on the same machine:
 * - a Node WebSocket client of the same user stands in for "the server sent it" (loopback; the hub
 *   writes to every socket of the user in one loop), and
 * - the page records when its socket received the message and when React committed the card showing
 *   the results (after fetching them from GET /images/{id}/ai), in window.__pharosMetrics.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ApiClient, PHOTOS } from '../support/server.js';
import {
  installMilestones,
  type PharosMetrics,
  median,
  registerViaUi,
  shot,
  token,
  uploadViaPicker,
  useUiSession,
} from './support.js';

const COUNT = 20;
const ui = useUiSession({
  env: { PHAROS_SCRIPTED: JSON.stringify({ labels: { latencyMs: 100 } }) },
  preparePage: installMilestones,
});

const percentile = (values: number[], p: number) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((p / 100) * values.length))]!;
const fmt = (ms: number) => `${ms.toFixed(1)} ms`;

describe('completion → card latency', () => {
  it(`renders each finished card soon after its completion message (p50 over ${COUNT} photos)`, async () => {
    await registerViaUi(ui.page, ui.server.url);
    const probe = await new ApiClient(ui.server.url, await token(ui.page)).socket();
    // Keyed by photo and run number: each photo completes twice in this test.
    const sentAt = new Map<string, number>();
    const runs = new Map<string, number>();
    probe.ws.on('message', (data) => {
      const at = performance.timeOrigin + performance.now();
      const message = JSON.parse(String(data)) as { type: string; image_id?: string };
      if (message.type !== 'image_processing_complete' || !message.image_id) return;
      const n = runs.get(message.image_id) ?? 0;
      runs.set(message.image_id, n + 1);
      sentAt.set(`${message.image_id}#${n}`, at);
    });

    const files = readdirSync(PHOTOS)
      .filter((f) => /\.(jpe?g|png)$/i.test(f))
      .sort()
      .slice(0, COUNT);
    expect(files).toHaveLength(COUNT);
    await uploadViaPicker(
      ui.page,
      files.map((f) => path.join(PHOTOS, f)),
    );

    await ui.page
      .waitForFunction(
        (n) => {
          const done = window.__pharosMetrics!.completions.filter((c) => c.renderedAt !== null);
          return new Set(done.map((c) => c.image_id)).size >= n;
        },
        COUNT,
        { timeout: 60_000, polling: 100 },
      )
      .catch(async (error: unknown) => {
        const state = await ui.page.evaluate(() => ({
          completions: window.__pharosMetrics!.completions,
          badges: Array.from(document.querySelectorAll('[data-testid=status-badge]')).map(
            (b) => b.textContent,
          ),
          uploads: Array.from(document.querySelectorAll('[data-testid=upload-item]')).map(
            (u) => u.textContent,
          ),
        }));
        throw new Error(`not all cards rendered: ${JSON.stringify(state, null, 1)}`, { cause: error });
      });
    await expect
      .poll(() => ui.page.locator('[data-testid=status-badge][data-status=READY]').count())
      .toBe(COUNT);
    await shot(ui.page, '30-twenty-ready');

    // Then the seed's one-photo-at-a-time story: Reprocess each photo in turn and wait for its card.
    for (const [i, file] of files.entries()) {
      await ui.page.getByRole('button', { name: `Reprocess ${file}`, exact: true }).click();
      await ui.page.waitForFunction(
        (n) => window.__pharosMetrics!.completions.filter((c) => c.renderedAt !== null).length >= n,
        COUNT + i + 1,
        { timeout: 20_000, polling: 50 },
      );
    }
    probe.close();

    const samples = await ui.page.evaluate(() => window.__pharosMetrics!.completions);
    expect(samples).toHaveLength(2 * COUNT);
    expect(samples.every((s) => s.status === 'READY' && s.renderedAt !== null)).toBe(true);
    const report = (label: string, part: (PharosMetrics['completions'][number] & { n: number })[]) => {
      const fromServer = part.map((s) => s.renderedAt! - sentAt.get(`${s.image_id}#${s.n}`)!);
      expect(fromServer.every(Number.isFinite)).toBe(true);
      const inPage = part.map((s) => s.renderedAt! - s.receivedAt);
      const wire = part.map((s) => s.receivedAt - sentAt.get(`${s.image_id}#${s.n}`)!);
      const waitResults = part.map((s) => Math.max(0, s.resultsAt! - s.receivedAt));
      const react = part.map((s) => s.renderedAt! - Math.max(s.resultsAt!, s.receivedAt));
      console.log(
        [
          `completion → card rendered, ${label}:`,
          `  from the server's send (a Node client of the same user): p50 ${fmt(median(fromServer))}, p90 ${fmt(percentile(fromServer, 90))}, max ${fmt(Math.max(...fromServer))}`,
          `  from the page's socket receiving it:                      p50 ${fmt(median(inPage))}, p90 ${fmt(percentile(inPage, 90))}, max ${fmt(Math.max(...inPage))}`,
          `  of which: send → the page's socket p50 ${fmt(median(wire))}; waiting for the results p50 ${fmt(median(waitResults))};`,
          `            results in hand → card committed (React) p50 ${fmt(median(react))}`,
        ].join('\n'),
      );
    };
    const numbered = samples.map((s, i) => ({
      ...s,
      n: samples.slice(0, i).filter((o) => o.image_id === s.image_id).length,
    }));
    // The figure is reported, not asserted: speed belongs in measurements, not in pass/fail timing.
    report(`${COUNT} photos uploaded at once (server and browser busy)`, numbered.slice(0, COUNT));
    report(`${COUNT} photos one at a time (Reprocess, then wait)`, numbered.slice(COUNT));
    expect(ui.watch.unexpected()).toEqual([]);
  }, 120_000);
});
