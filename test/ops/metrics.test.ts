import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/app/config.js';
import { metricsAccess } from '../../src/app/metrics.js';
import { eventually } from '../support/wait.js';
import { ApiClient, photo, startTestServer, type TestServer } from '../support/server.js';

/** One sample's value from the Prometheus text format, by metric name and (a subset of) labels. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = Object.fromEntries(
      [...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]),
    );
    if (Object.entries(labels).every(([k, v]) => found[k] === v)) return Number(match[3]);
  }
  return undefined;
}

describe('/metrics', () => {
  let server: TestServer;

  beforeAll(async () => {
    // Each photo's first label call fails transiently (retried), each first beauty call for good.
    server = await startTestServer({
      PHAROS_SCRIPTED: JSON.stringify({
        labels: { failures: ['transient'] },
        beauty: { failures: ['permanent'] },
      }),
    });
  });
  afterAll(() => server?.stop());

  it('reports state durations, retries, failures, photos by status, queue, WebSocket and HTTP metrics', async () => {
    const client = await ApiClient.register(server.url);
    const socket = await client.socket();
    const ids: string[] = [];
    for (const name of ['lighthouse.jpg', 'ocean-waves.jpg'])
      ids.push((await client.upload(await photo(name), name)).body.image_id);
    ids.push(
      (await client.upload(await photo('sheep-pasture.jpg'), 'sheep.jpg', '?process=false')).body.image_id,
    );
    for (const id of ids.slice(0, 2))
      await socket.waitFor((m) => m.type === 'image_processing_complete' && m.image_id === id);
    // The completion is announced by Notify, just before the runner closes the execution: wait for that too.
    for (const id of ids.slice(0, 2)) await client.closedTimeline(id);

    const response = await fetch(`${server.url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();

    expect(text).toContain('# TYPE pharos_state_duration_seconds histogram');
    expect(
      sample(text, 'pharos_state_duration_seconds_count', {
        state: 'DetectLabels',
        provider: 'scripted',
        outcome: 'succeeded',
      }),
    ).toBe(2);
    expect(
      sample(text, 'pharos_state_duration_seconds_count', {
        state: 'DetectLabels',
        provider: 'scripted',
        outcome: 'failed',
      }),
    ).toBe(2);
    expect(
      sample(text, 'pharos_state_duration_seconds_count', {
        state: 'SaveResults',
        provider: 'internal',
        outcome: 'succeeded',
      }),
    ).toBe(2);
    expect(
      sample(text, 'pharos_state_retries_total', { state: 'DetectLabels', error: 'Provider.Transient' }),
    ).toBe(2);
    // Beauty fails for good; the default policy (PHAROS_BEAUTY_FAILURE=null) keeps the photo READY.
    expect(
      sample(text, 'pharos_state_failures_total', { state: 'ScoreBeauty', error: 'Provider.Permanent' }),
    ).toBe(2);
    expect(sample(text, 'pharos_executions_finished_total', { status: 'SUCCEEDED' })).toBe(2);
    expect(sample(text, 'pharos_photos', { status: 'READY' })).toBe(2);
    expect(sample(text, 'pharos_photos', { status: 'UPLOADED' })).toBe(1);
    expect(sample(text, 'pharos_photos', { status: 'FAILED' })).toBe(0);
    expect(sample(text, 'pharos_queue_jobs', { queue: 'image-processing', state: 'queued' })).toBe(0);
    expect(sample(text, 'pharos_queue_jobs', { queue: 'image-processing-dead', state: 'queued' })).toBe(0);
    expect(sample(text, 'pharos_queue_oldest_job_age_seconds', { queue: 'image-processing' })).toBe(0);
    expect(sample(text, 'pharos_websocket_connections')).toBe(1);
    // Routes by pattern, never by raw path.
    expect(
      sample(text, 'pharos_http_request_duration_seconds_count', {
        method: 'POST',
        route: '/images',
        status: '201',
      }),
    ).toBe(3);
    expect(
      sample(text, 'pharos_http_request_duration_seconds_count', {
        method: 'GET',
        route: '/images/:id/executions',
        status: '200',
      }),
    ).toBeGreaterThanOrEqual(2);
    expect(text).not.toContain(ids[0]!);
    expect(sample(text, 'process_resident_memory_bytes')).toBeGreaterThan(0);

    await client.request('GET', `/images/${ids[0]}/ai`);
    await new ApiClient(server.url).request('GET', `/images/${ids[0]}`); // 401 from the auth middleware
    socket.close();
    // The closed socket leaves the gauge once the server has seen the close.
    const after = await eventually(async () => {
      const text = await (await fetch(`${server.url}/metrics`)).text();
      return sample(text, 'pharos_websocket_connections') === 0 && text;
    }, 'the WebSocket gauge back to 0');
    expect(
      sample(after, 'pharos_http_request_duration_seconds_count', {
        method: 'GET',
        route: '/images/:id/ai',
        status: '200',
      }),
    ).toBe(1);
    expect(
      sample(after, 'pharos_http_request_duration_seconds_count', {
        method: 'GET',
        route: '/images/:id',
        status: '401',
      }),
    ).toBe(1);
    expect(sample(after, 'pharos_websocket_connections')).toBe(0);
  });

  it('reports the age of the oldest waiting job', async () => {
    // An API without workers: jobs wait in the queue.
    const api = await startTestServer({}, { role: 'api' });
    try {
      const client = await ApiClient.register(api.url);
      await client.upload(await photo('lighthouse.jpg'), 'lighthouse.jpg');
      // The job's age is whole seconds: wait until it has aged one, not for a guessed time.
      const text = await eventually(async () => {
        const body = await (await fetch(`${api.url}/metrics`)).text();
        return (
          (sample(body, 'pharos_queue_oldest_job_age_seconds', { queue: 'image-processing' }) ?? 0) >= 1 &&
          body
        );
      }, 'the oldest job to be a second old');
      expect(sample(text, 'pharos_queue_jobs', { queue: 'image-processing', state: 'queued' })).toBe(1);
      expect(
        sample(text, 'pharos_queue_oldest_job_age_seconds', { queue: 'image-processing' }),
      ).toBeGreaterThanOrEqual(1);
    } finally {
      await api.stop();
    }
  });

  it('is refused to proxied requests in localhost mode, needs the token when one is set, and can be off', async () => {
    expect(
      (await fetch(`${server.url}/metrics`, { headers: { 'x-forwarded-for': '203.0.113.9' } })).status,
    ).toBe(403);

    const token = 'metrics-secret-0123456789';
    const guarded = await startTestServer({ PHAROS_METRICS: 'public', PHAROS_METRICS_TOKEN: token });
    const off = await startTestServer({ PHAROS_METRICS: 'off' });
    try {
      expect((await fetch(`${guarded.url}/metrics`)).status).toBe(401);
      expect(
        (
          await fetch(`${guarded.url}/metrics`, {
            headers: { authorization: 'Bearer wrong-secret-0123456789' },
          })
        ).status,
      ).toBe(401);
      const ok = await fetch(`${guarded.url}/metrics`, { headers: { authorization: `Bearer ${token}` } });
      expect(ok.status).toBe(200);
      expect(await ok.text()).toContain('pharos_http_request_duration_seconds');
      expect((await fetch(`${off.url}/metrics`)).status).toBe(404);
      const document = (await (await fetch(`${off.url}/openapi.json`)).json()) as {
        paths: Record<string, unknown>;
      };
      expect(document.paths['/metrics']).toBeUndefined();
    } finally {
      await Promise.all([guarded.stop(), off.stop()]);
    }
  });

  it('decides access by mode, address, proxy header and token', () => {
    const local = { remoteAddress: '127.0.0.1', authorization: undefined, forwardedFor: undefined };
    const remote = { ...local, remoteAddress: '198.51.100.7' };
    expect(metricsAccess({ mode: 'localhost' }, local)).toBe('allow');
    expect(metricsAccess({ mode: 'localhost' }, { ...local, remoteAddress: '::1' })).toBe('allow');
    expect(metricsAccess({ mode: 'localhost' }, { ...local, remoteAddress: '::ffff:127.0.0.1' })).toBe(
      'allow',
    );
    expect(metricsAccess({ mode: 'localhost' }, remote)).toBe('forbidden');
    expect(metricsAccess({ mode: 'localhost' }, { ...local, remoteAddress: undefined })).toBe('forbidden');
    expect(metricsAccess({ mode: 'public' }, remote)).toBe('allow');
    expect(metricsAccess({ mode: 'public', token: 'abcdefghijklmnop' }, remote)).toBe('unauthorized');
    expect(
      metricsAccess(
        { mode: 'public', token: 'abcdefghijklmnop' },
        { ...remote, authorization: 'Bearer abcdefghijklmnop' },
      ),
    ).toBe('allow');
    expect(metricsAccess({ mode: 'localhost', token: 'abcdefghijklmnop' }, local)).toBe('unauthorized');
    expect(metricsAccess({ mode: 'off' }, local)).toBe('forbidden');
  });

  it('validates its configuration without echoing the token', () => {
    expect(loadConfig({}).PHAROS_METRICS).toBe('localhost');
    expect(() => loadConfig({ PHAROS_METRICS: 'loud' })).toThrow(/PHAROS_METRICS="loud"/);
    try {
      loadConfig({ PHAROS_METRICS_TOKEN: 'short-secret' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toMatch(/PHAROS_METRICS_TOKEN: must be at least 16 characters/);
      expect((error as Error).message).not.toContain('short-secret');
    }
  });
});

describe('/readyz and /docs', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server?.stop());

  it('reports database, queue and storage; 503 naming the storage when it is unusable', async () => {
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({
      status: 'ready',
      checks: { database: true, queue: true, storage: true },
    });

    // The bucket directory replaced by a file: uploads could not be stored.
    const bucket = path.join(server.dataDir, 'objects', 'pharos-photos');
    await rm(bucket, { recursive: true, force: true });
    await mkdir(path.dirname(bucket), { recursive: true });
    await writeFile(bucket, 'not a directory');
    const broken = await fetch(`${server.url}/readyz`);
    expect(broken.status).toBe(503);
    expect(await broken.json()).toEqual({
      status: 'not_ready',
      checks: { database: true, queue: true, storage: false },
    });
    await rm(bucket);
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
    expect(await (await fetch(`${server.url}/healthz`)).json()).toEqual({ status: 'ok' });
  });

  it('serves the interactive docs with every asset from this server (works offline)', async () => {
    const page = await fetch(`${server.url}/docs`, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    const html = await page.text();
    const references = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(references.length).toBeGreaterThanOrEqual(3);
    for (const reference of references) {
      expect(reference).toMatch(/^\/docs\/assets\//); // never a CDN
      const asset = await fetch(`${server.url}${reference}`);
      expect(asset.status, reference).toBe(200);
      expect((await asset.arrayBuffer()).byteLength).toBeGreaterThan(0);
    }
    const init = await (await fetch(`${server.url}/docs/assets/init.js`)).text();
    expect(init).toContain("url: '/openapi.json'");
    expect(
      (await fetch(`${server.url}/docs/assets/swagger-ui-bundle.js`)).headers.get('content-type'),
    ).toMatch(/javascript/);
    expect((await fetch(`${server.url}/docs/assets/..%2Fpackage.json`)).status).toBe(404);
  });
});
