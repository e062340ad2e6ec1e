import { afterAll, describe, expect, it } from 'vitest';
import { ApiClient, photo, startTestServer, type TestServer } from '../support/server.js';

type Timeline = {
  items: {
    status: string;
    error: string | null;
    states: { state: string; attempt: number; status: string; error: string | null; will_retry: boolean }[];
  }[];
};

async function scenario(script: object, env: Record<string, string> = {}) {
  const server = await startTestServer({ PHAROS_SCRIPTED: JSON.stringify(script), ...env });
  const client = await ApiClient.register(server.url);
  const socket = await client.socket();
  const { body } = await client.upload(await photo('lighthouse.jpg'), 'lighthouse.jpg');
  const imageId = body.image_id;
  const complete = await socket.waitFor(
    (m) => m.type === 'image_processing_complete' && m.image_id === imageId,
  );
  const ai = await client.json<Record<string, unknown>>('GET', `/images/${imageId}/ai`);
  const timeline = await client.closedTimeline<Timeline>(imageId);
  socket.close();
  return { server, complete, ai: ai.body, timeline, socket };
}

const servers: TestServer[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
});

describe('retries, failures and the beauty policy', () => {
  it('retries transient provider errors with backoff, then succeeds', async () => {
    const run = await scenario({
      labels: { failures: ['transient', 'transient'] },
      describer: { failures: ['transient'] },
    });
    servers.push(run.server);
    expect(run.complete.status).toBe('READY');
    expect(run.ai.status).toBe('READY');
    const states = run.timeline.items[0]!.states;
    const detect = states.filter((s) => s.state === 'DetectLabels');
    expect(detect.map((s) => [s.attempt, s.status, s.will_retry])).toEqual([
      [1, 'FAILED', true],
      [2, 'FAILED', true],
      [3, 'SUCCEEDED', false],
    ]);
    expect(detect[0]!.error).toBe('Provider.Transient');
    expect(states.filter((s) => s.state === 'DescribeAndTag').map((s) => s.status)).toEqual([
      'FAILED',
      'SUCCEEDED',
    ]);
  });

  it('gives up after the retry budget: FAILED with the reason, and a FAILED message', async () => {
    const run = await scenario({ labels: { always: 'transient' } });
    servers.push(run.server);
    expect(run.complete).toEqual({
      type: 'image_processing_complete',
      image_id: run.ai.image_id,
      status: 'FAILED',
    });
    expect(run.ai.status).toBe('FAILED');
    expect(run.ai.error).toMatch(/^Provider\.Transient: .*503/);
    // 1 attempt + 3 retries (the definition's maxAttempts), then MarkFailed and Notify.
    const states = run.timeline.items[0]!.states;
    expect(states.filter((s) => s.state === 'DetectLabels')).toHaveLength(4);
    expect(states.map((s) => s.state).slice(-2)).toEqual(['MarkFailed', 'Notify']);
    expect(run.timeline.items[0]!.status).toBe('FAILED');
  });

  it('fails at once on a permanent error, without retrying', async () => {
    const run = await scenario({ describer: { always: 'permanent' } });
    servers.push(run.server);
    expect(run.complete.status).toBe('FAILED');
    expect(run.ai.error).toBe('Provider.Permanent: scripted: request rejected (400)');
    expect(run.ai.description).toBeNull();
    const states = run.timeline.items[0]!.states;
    expect(states.filter((s) => s.state === 'DescribeAndTag')).toHaveLength(1);
    expect(states.some((s) => s.state === 'ScoreBeauty')).toBe(false);
  });

  it('retries malformed output once, then fails with the reason', async () => {
    const run = await scenario({ describer: { always: 'malformed' } });
    servers.push(run.server);
    expect(run.ai.status).toBe('FAILED');
    expect(run.ai.error).toMatch(/^Provider\.MalformedOutput/);
    expect(run.timeline.items[0]!.states.filter((s) => s.state === 'DescribeAndTag')).toHaveLength(2);
  });

  it('times out a hanging provider and retries it', async () => {
    // The scripted hang is aborted by the state timeout; a short timeout keeps the test quick.
    const run = await scenario({ beauty: { failures: ['hang'] } }, { PHAROS_STATE_TIMEOUT_SCALE: '0.02' });
    servers.push(run.server);
    expect(run.ai.status).toBe('READY');
    const beauty = run.timeline.items[0]!.states.filter((s) => s.state === 'ScoreBeauty');
    expect(beauty.map((s) => [s.status, s.error])).toEqual([
      ['FAILED', 'States.Timeout'],
      ['SUCCEEDED', null],
    ]);
  });

  it('keeps caption and tags with a null score when beauty fails (PHAROS_BEAUTY_FAILURE=null)', async () => {
    const run = await scenario({ beauty: { always: 'permanent' } });
    servers.push(run.server);
    expect(run.complete.status).toBe('READY');
    expect(run.ai.status).toBe('READY');
    expect(run.ai.beauty_score).toBeNull();
    expect(typeof run.ai.description).toBe('string');
    expect((run.ai.tags as string[]).length).toBeGreaterThan(0);
    expect(run.timeline.items[0]!.states.map((s) => s.state)).toContain('BeautyUnavailable');
  });

  it('fails the photo when beauty fails under PHAROS_BEAUTY_FAILURE=fail', async () => {
    const run = await scenario({ beauty: { always: 'permanent' } }, { PHAROS_BEAUTY_FAILURE: 'fail' });
    servers.push(run.server);
    expect(run.complete.status).toBe('FAILED');
    expect(run.ai.status).toBe('FAILED');
    expect(run.ai.error).toMatch(/^Provider\.Permanent/);
  });
});
