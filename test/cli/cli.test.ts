import { copyFile, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, PHOTOS, startTestServer, type TestServer } from '../support/server.js';
import { runCli, type CliRun } from './support.js';

const PASSWORD = 'correct horse battery';

type UploadJson = {
  results: {
    file: string;
    image_id: string | null;
    status: string;
    error: string | null;
    description?: string | null;
    tags?: string[];
    beauty_score?: number | null;
  }[];
  skipped: { path: string; reason: string }[];
};

/** A folder as a user would have it: photos, a nested folder, and files that are not images. */
async function photoFolder(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'pharos-cli-photos-'));
  await copyFile(path.join(PHOTOS, 'lighthouse.jpg'), path.join(dir, 'lighthouse.jpg'));
  await copyFile(path.join(PHOTOS, 'coffee-cup.png'), path.join(dir, 'coffee-cup.png'));
  await mkdir(path.join(dir, 'trip'));
  await copyFile(path.join(PHOTOS, 'ocean-waves.jpg'), path.join(dir, 'trip', 'ocean-waves.jpg'));
  await writeFile(path.join(dir, 'notes.txt'), 'not a photo\n');
  // A PDF renamed to .jpg: decided by its bytes, not its name.
  await writeFile(path.join(dir, 'trip', 'fake.jpg'), '%PDF-1.7\n%âãÏÓ\n1 0 obj\n<<>>\nendobj\n');
  return dir;
}

/** Signs a fresh user in through the CLI, in a config directory of its own. */
async function signedIn(server: TestServer) {
  const user = await ApiClient.register(server.url);
  const config = await mkdtemp(path.join(tmpdir(), 'pharos-cli-config-'));
  const env = { XDG_CONFIG_HOME: config, PHAROS_URL: server.url };
  return { user, config, env };
}

const noSecrets = (run: CliRun, token: string) => {
  expect(run.stdout).not.toContain(token);
  expect(run.stderr).not.toContain(token);
};

describe('pharos CLI against a real server', () => {
  let server: TestServer;
  let folder: string;
  const cleanup: string[] = [];

  beforeAll(async () => {
    // A long first lockout, so the lockout test's CLI run starts while it still holds.
    server = await startTestServer({ PHAROS_LOGIN_LOCK_SECONDS: '300' });
    folder = await photoFolder();
    cleanup.push(folder);
  });
  afterAll(async () => {
    await server?.stop();
    await Promise.all(cleanup.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  it("shows the server's lockout message after repeated wrong passwords", async () => {
    const config = await mkdtemp(path.join(tmpdir(), 'pharos-cli-config-'));
    cleanup.push(config);
    const username = `locked${Math.random().toString(36).slice(2, 10)}`;
    await ApiClient.register(server.url, username);
    for (let i = 0; i < 5; i++) {
      const wrong = await fetch(`${server.url}/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username, password: `wrong guess ${i}` }),
      });
      expect(wrong.status).toBe(401);
    }
    const locked = await runCli(['login', '--url', server.url, '-u', username, '--password-stdin'], {
      env: { XDG_CONFIG_HOME: config },
      input: `${PASSWORD}\n`,
    });
    expect(locked.code).toBe(2);
    expect(locked.stderr).toMatch(/too many failed attempts for this username; try again in \d+ s/);
  });

  it('logs in with --password-stdin, keeps the token 0600 in XDG_CONFIG_HOME and never prints it', async () => {
    const config = await mkdtemp(path.join(tmpdir(), 'pharos-cli-config-'));
    cleanup.push(config);
    const username = `cli${Math.random().toString(36).slice(2, 10)}`;
    const registered = await fetch(`${server.url}/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password: PASSWORD }),
    });
    expect(registered.status).toBe(201);

    const wrong = await runCli(['login', '--url', server.url, '-u', username, '--password-stdin'], {
      env: { XDG_CONFIG_HOME: config },
      input: 'not the password\n',
    });
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/login failed/);

    const ok = await runCli(['login', '--url', server.url, '-u', username, '--password-stdin'], {
      env: { XDG_CONFIG_HOME: config },
      input: `${PASSWORD}\n`,
    });
    expect(ok.code).toBe(0);
    const file = path.join(config, 'pharos', 'config.json');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await stat(path.join(config, 'pharos'))).mode & 0o777).toBe(0o700);
    const saved = JSON.parse(await readFile(file, 'utf8')) as {
      url: string;
      token: string;
      username: string;
    };
    expect(saved.url).toBe(server.url);
    expect(saved.username).toBe(username);
    noSecrets(ok, saved.token);

    // The saved URL and token are used without flags.
    const ls = await runCli(['ls'], { env: { XDG_CONFIG_HOME: config } });
    expect(ls.code).toBe(0);
    expect(ls.stdout).toContain('No photos.');
    noSecrets(ls, saved.token);

    // Logging out forgets the token: the next command is an authentication error.
    expect((await runCli(['logout'], { env: { XDG_CONFIG_HOME: config } })).code).toBe(0);
    const after = await runCli(['ls'], { env: { XDG_CONFIG_HOME: config } });
    expect(after.code).toBe(2);
    expect(after.stderr).toMatch(/pharos login/);
  });

  it('accepts a pasted token (the OIDC / Cognito path) after checking it with the server', async () => {
    const user = await ApiClient.register(server.url);
    const config = await mkdtemp(path.join(tmpdir(), 'pharos-cli-config-'));
    cleanup.push(config);
    const bad = await runCli(['login', '--url', server.url, '--token-stdin'], {
      env: { XDG_CONFIG_HOME: config },
      input: 'a.b.c\n',
    });
    expect(bad.code).toBe(2);
    const good = await runCli(['login', '--url', server.url, '--token-stdin'], {
      env: { XDG_CONFIG_HOME: config },
      input: `${user.token}\n`,
    });
    expect(good.code).toBe(0);
    noSecrets(good, user.token);
    expect(JSON.parse(await readFile(path.join(config, 'pharos', 'config.json'), 'utf8')).token).toBe(
      user.token,
    );
  });

  it('uploads a folder with --wait --json: walks it, skips non-images, ends READY, exit 0', async () => {
    const { user, config, env } = await signedIn(server);
    cleanup.push(config);
    const login = await runCli(['login', '--token-stdin'], { env, input: user.token });
    expect(login.code).toBe(0);

    const run = await runCli(['upload', folder, '--wait', '--json', '--concurrency', '2'], { env });
    expect(run.code, run.stderr).toBe(0);
    noSecrets(run, user.token);
    // Followed live over the WebSocket (the token in ?token=), not by the polling fallback.
    expect(run.stderr).not.toMatch(/live updates unavailable/);
    const body = JSON.parse(run.stdout) as UploadJson;
    expect(body.results.map((r) => path.relative(folder, r.file)).sort()).toEqual([
      'coffee-cup.png',
      'lighthouse.jpg',
      path.join('trip', 'ocean-waves.jpg'),
    ]);
    expect(body.skipped.map((s) => [path.relative(folder, s.path), s.reason]).sort()).toEqual([
      ['notes.txt', 'not an image'],
      [path.join('trip', 'fake.jpg'), 'not an image'],
    ]);
    expect(run.stderr).toMatch(/skipped .*notes\.txt: not an image/);

    // What the CLI reports is what the API holds.
    for (const result of body.results) {
      expect(result.status).toBe('READY');
      const ai = (
        await user.json<{ status: string; description: string; tags: string[]; beauty_score: number }>(
          'GET',
          `/images/${result.image_id}/ai`,
        )
      ).body;
      expect(ai.status).toBe('READY');
      expect(result.description).toBe(ai.description);
      expect(result.tags).toEqual(ai.tags);
      expect(result.beauty_score).toBe(ai.beauty_score);
    }

    // The human summary (no --json) of a single file.
    const one = await runCli(['upload', path.join(folder, 'lighthouse.jpg'), '--wait'], { env });
    expect(one.code).toBe(0);
    expect(one.stdout).toMatch(/^READY\s+.*lighthouse\.jpg/m);
    expect(one.stdout).toMatch(/1 READY/);
  });

  it('shows status, the card, the list with filters and the timeline; reprocesses with --wait', async () => {
    const { user, config, env } = await signedIn(server);
    cleanup.push(config);
    expect((await runCli(['login', '--token-stdin'], { env, input: user.token })).code).toBe(0);
    const up = await runCli(
      ['upload', path.join(folder, 'lighthouse.jpg'), path.join(folder, 'trip'), '--wait', '--json'],
      { env },
    );
    expect(up.code, up.stderr).toBe(0);
    const [first, second] = (JSON.parse(up.stdout) as UploadJson).results;
    const id = first!.image_id!;
    const ai = (
      await user.json<{
        description: string;
        tags: string[];
        beauty_score: number;
        labels: { name: string }[];
      }>('GET', `/images/${id}/ai`)
    ).body;

    const status = await runCli(['status', id], { env });
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(new RegExp(`${id}\\s+READY\\s+lighthouse\\.jpg`));

    const card = await runCli(['results', id], { env });
    expect(card.code).toBe(0);
    expect(card.stdout).toContain(ai.description);
    expect(card.stdout).toContain(`Tags: ${ai.tags.map((t) => `#${t}`).join(' ')}`);
    expect(card.stdout).toContain(`Beauty: ${ai.beauty_score}/100`);
    expect(card.stdout).toContain(ai.labels[0]!.name);
    const cardJson = await runCli(['results', id, '--json'], { env });
    expect(JSON.parse(cardJson.stdout)).toMatchObject({
      image_id: id,
      status: 'READY',
      beauty_score: ai.beauty_score,
      filename: 'lighthouse.jpg',
    });

    const ls = await runCli(['ls', '--status', 'READY', '--json'], { env });
    expect(ls.code).toBe(0);
    expect((JSON.parse(ls.stdout) as { image_id: string }[]).map((i) => i.image_id).sort()).toEqual(
      [id, second!.image_id].sort(),
    );
    const byTag = await runCli(['ls', '--tag', ai.tags[0]!, '--json'], { env });
    expect(
      (JSON.parse(byTag.stdout) as { image_id: string; tags: string[] }[]).every((i) =>
        i.tags.includes(ai.tags[0]!),
      ),
    ).toBe(true);
    expect((JSON.parse(byTag.stdout) as { image_id: string }[]).map((i) => i.image_id)).toContain(id);
    // The tag as `results` prints it (#sky, any case) filters the same.
    const hashTag = await runCli(['ls', '--tag', `#${ai.tags[0]!.toUpperCase()}`, '--json'], { env });
    expect((JSON.parse(hashTag.stdout) as { image_id: string }[]).map((i) => i.image_id)).toContain(id);

    const found = await runCli(['search', `#${ai.tags[0]!}`, ai.description.split(' ').pop()!, '--json'], {
      env,
    });
    expect(found.code, found.stderr).toBe(0);
    expect((JSON.parse(found.stdout) as { image_id: string }[]).map((i) => i.image_id)).toContain(id);
    const foundTable = await runCli(['search', ai.tags[0]!], { env });
    expect(foundTable.stdout).toMatch(/ID\s+STATUS\s+BEAUTY\s+FILE\s+CAPTION/);
    expect(foundTable.stdout).toContain(id);
    const nothing = await runCli(['search', 'zzqqxx'], { env });
    expect(nothing.code).toBe(0);
    expect(nothing.stdout).toContain('No photos match "zzqqxx".');
    expect((await runCli(['search'], { env })).code).toBe(2);

    const none = await runCli(['ls', '--status', 'FAILED'], { env });
    expect(none.stdout).toContain('No photos.');
    const table = await runCli(['ls'], { env });
    expect(table.stdout).toMatch(/ID\s+STATUS\s+BEAUTY\s+FILE\s+CAPTION/);
    expect(table.stdout).toContain(id);

    const again = await runCli(['reprocess', id, '--wait', '--json'], { env });
    expect(again.code, again.stderr).toBe(0);
    expect((JSON.parse(again.stdout) as UploadJson).results).toMatchObject([
      { image_id: id, status: 'READY' },
    ]);

    const timeline = await runCli(['timeline', id], { env });
    expect(timeline.code).toBe(0);
    expect(timeline.stdout.match(/Execution #/g)).toHaveLength(2);
    for (const state of [
      'InspectImage',
      'DetectLabels',
      'FilterLabels',
      'DescribeAndTag',
      'ScoreBeauty',
      'SaveResults',
      'Notify',
    ]) {
      expect(timeline.stdout).toContain(state);
    }
    const timelineJson = JSON.parse((await runCli(['timeline', id, '--json'], { env })).stdout) as {
      status: string;
    }[];
    expect(timelineJson.map((e) => e.status)).toEqual(['SUCCEEDED', 'SUCCEEDED']);
  }, 180_000); // some twenty CLI processes, each a fresh Node + tsx start: slow on a loaded machine

  it('exits 2 on usage, connection and authentication errors', async () => {
    const config = await mkdtemp(path.join(tmpdir(), 'pharos-cli-config-'));
    cleanup.push(config);
    const env = { XDG_CONFIG_HOME: config };
    expect((await runCli(['upload'], { env })).code).toBe(2); // missing argument
    expect((await runCli(['frobnicate'], { env })).code).toBe(2);
    expect(
      (await runCli(['upload', folder, '--concurrency', '0'], { env: { ...env, PHAROS_URL: server.url } }))
        .code,
    ).toBe(2);
    expect((await runCli(['ls', '--status', 'DONE'], { env: { ...env, PHAROS_URL: server.url } })).code).toBe(
      2,
    );
    expect((await runCli(['--help'], { env })).code).toBe(0);

    const noServer = await runCli(['ls'], { env });
    expect(noServer.code).toBe(2);
    expect(noServer.stderr).toMatch(/no server/);
    const notSignedIn = await runCli(['ls', '--url', server.url], { env });
    expect(notSignedIn.code).toBe(2);
    expect(notSignedIn.stderr).toMatch(/not signed in/);

    const user = await ApiClient.register(server.url);
    const unreachable = await runCli(['ls', '--url', 'http://127.0.0.1:9'], {
      env: { ...env, PHAROS_TOKEN: user.token },
    });
    expect(unreachable.code).toBe(2);
    expect(unreachable.stderr).toMatch(/cannot reach the Pharos server/);

    const expired = await runCli(['ls'], {
      env: { ...env, PHAROS_URL: server.url, PHAROS_TOKEN: `${user.token}x` },
    });
    expect(expired.code).toBe(2);
    expect(expired.stderr).toMatch(/pharos login/);

    const unknown = await runCli(['status', '00000000-0000-4000-8000-000000000000'], {
      env: { ...env, PHAROS_URL: server.url, PHAROS_TOKEN: user.token },
    });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/not_found/);

    const nothing = await runCli(['upload', path.join(folder, 'notes.txt')], {
      env: { ...env, PHAROS_URL: server.url, PHAROS_TOKEN: user.token },
    });
    expect(nothing.code).toBe(2);
    expect(nothing.stderr).toMatch(/skipped .*notes\.txt: not an image/);
  });
});

describe('pharos CLI when processing fails', () => {
  let server: TestServer;
  let folder: string;

  beforeAll(async () => {
    // Each photo's first describer call is rejected for good: uploads FAIL, a reprocess then succeeds.
    server = await startTestServer({
      PHAROS_SCRIPTED: JSON.stringify({ describer: { failures: ['permanent'] } }),
    });
    folder = await photoFolder();
  });
  afterAll(async () => {
    await server?.stop();
    await rm(folder, { recursive: true, force: true });
  });

  it('exits 1 with the reasons when photos FAIL, and 0 once a reprocess makes them READY', async () => {
    const user = await ApiClient.register(server.url);
    const config = await mkdtemp(path.join(tmpdir(), 'pharos-cli-config-'));
    const env = { XDG_CONFIG_HOME: config, PHAROS_URL: server.url, PHAROS_TOKEN: user.token };
    try {
      const human = await runCli(
        ['upload', path.join(folder, 'lighthouse.jpg'), path.join(folder, 'trip'), '--wait'],
        { env },
      );
      expect(human.code).toBe(1);
      expect(human.stdout).toMatch(
        /^FAILED\s+.*lighthouse\.jpg.*Provider\.Permanent: scripted: request rejected \(400\)/m,
      );
      expect(human.stdout).toMatch(/2 FAILED, 1 skipped/);

      const run = await runCli(['upload', path.join(folder, 'coffee-cup.png'), '--wait', '--json'], { env });
      expect(run.code).toBe(1);
      const [failed] = (JSON.parse(run.stdout) as UploadJson).results;
      expect(failed).toMatchObject({
        status: 'FAILED',
        error: 'Provider.Permanent: scripted: request rejected (400)',
      });

      const status = await runCli(['status', failed!.image_id!], { env });
      expect(status.code).toBe(1);
      const card = await runCli(['results', failed!.image_id!], { env });
      expect(card.code).toBe(1);
      expect(card.stdout).toContain('Failed: Provider.Permanent: scripted: request rejected (400)');

      const again = await runCli(['reprocess', failed!.image_id!, '--wait'], { env });
      expect(again.code, again.stdout + again.stderr).toBe(0);
      expect(again.stdout).toMatch(/1 READY/);
    } finally {
      await rm(config, { recursive: true, force: true });
    }
  });

  it("reports a rejected upload (a truncated JPEG) as FAILED with the server's reason, exit 1", async () => {
    const user = await ApiClient.register(server.url);
    const dir = await mkdtemp(path.join(tmpdir(), 'pharos-cli-broken-'));
    try {
      // An image by its first bytes (so the CLI sends it) that the server refuses as truncated.
      const broken = path.join(dir, 'broken.jpg');
      await writeFile(broken, (await readFile(path.join(PHOTOS, 'lighthouse.jpg'))).subarray(0, 4096));
      const run = await runCli(['upload', broken, '--json'], {
        env: { PHAROS_URL: server.url, PHAROS_TOKEN: user.token, XDG_CONFIG_HOME: dir },
      });
      const body = JSON.parse(run.stdout) as UploadJson;
      expect(run.code).toBe(1);
      expect(body.results[0]).toMatchObject({ status: 'FAILED', image_id: null });
      expect(body.results[0]!.error).toMatch(/^\w+: .+/);
      expect((await user.json<{ items: unknown[] }>('GET', '/images')).body.items).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
