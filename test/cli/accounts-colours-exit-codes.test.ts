/**
 * The CLI's account creation (`pharos register`), its --password-stdin errors, READY green and FAILED
 * red on a terminal (and nowhere else), and the exit codes `--help` and docs/operations.md document:
 * the real `pharos` against a real server, on a pipe or on a pseudo-terminal.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, PHOTOS, startTestServer, type TestServer } from '../support/server.js';
import { runCli, runInTerminal } from './support.js';

const PASSWORD = 'correct horse battery';
const GREEN_READY = '\u001b[32mREADY\u001b[39m';
const RED_FAILED = '\u001b[31mFAILED\u001b[39m';
// eslint-disable-next-line no-control-regex
const ANY_ESCAPE = /\u001b\[/;
const newName = (prefix: string) => `${prefix}${Math.random().toString(36).slice(2, 10)}`;

describe('pharos register, colours and exit codes', () => {
  let server: TestServer;
  const dirs: string[] = [];
  const configDir = async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'pharos-cli-accounts-'));
    dirs.push(dir);
    return dir;
  };

  beforeAll(async () => {
    // Each photo's first describer call is refused for good: an upload ends FAILED, a reprocess READY.
    server = await startTestServer({
      PHAROS_SCRIPTED: JSON.stringify({ describer: { failures: ['permanent'] } }),
    });
  });
  afterAll(async () => {
    await server?.stop();
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  it('registers with --password-stdin, signs in at once, and refuses a taken name or a short password', async () => {
    const config = await configDir();
    const env = { XDG_CONFIG_HOME: config };
    const username = newName('reg');
    const run = await runCli(['register', '--url', server.url, '-u', username, '--password-stdin'], {
      env,
      input: `${PASSWORD}\n`,
    });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain(`Registered ${username} on ${server.url} and signed in`);
    const saved = JSON.parse(await readFile(path.join(config, 'pharos', 'config.json'), 'utf8')) as {
      url: string;
      username: string;
      token: string;
    };
    expect(saved).toMatchObject({ url: server.url, username });
    expect(run.stderr + run.stdout).not.toContain(saved.token);
    // The account exists on the server: the saved token works, and so does the password.
    expect((await runCli(['ls'], { env })).code).toBe(0);
    const login = await fetch(`${server.url}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password: PASSWORD }),
    });
    expect(login.status).toBe(200);

    const taken = await runCli(['register', '--url', server.url, '-u', username, '--password-stdin'], {
      env: { XDG_CONFIG_HOME: await configDir() },
      input: `${PASSWORD}\n`,
    });
    expect(taken.code).toBe(2);
    expect(taken.stderr).toMatch(/registration failed: that username is already registered/);
    const short = await runCli(['register', '--url', server.url, '-u', newName('s'), '--password-stdin'], {
      env: { XDG_CONFIG_HOME: await configDir() },
      input: 'short\n',
    });
    expect(short.code).toBe(2);
    expect(short.stderr).toMatch(/registration failed: .*password/i);
  }, 180_000); // many CLI processes, each a fresh Node + tsx start: slow on a loaded machine

  it('registers at a terminal: asks the name and the password twice, never echoing it', async () => {
    const config = await configDir();
    const username = newName('tty');
    const secret = 'a terminal password';
    const run = await runInTerminal(['register', '--url', server.url], {
      env: { XDG_CONFIG_HOME: config },
      answers: [
        [/Username: /, username],
        [/Password: /, secret],
        [/Repeat the password: /, secret],
      ],
    });
    expect(run.code, run.output).toBe(0);
    expect(run.output).toContain(`Registered ${username}`);
    expect(run.output).not.toContain(secret);
    const again = await runInTerminal(['register', '--url', server.url], {
      env: { XDG_CONFIG_HOME: await configDir() },
      answers: [
        [/Username: /, newName('tty')],
        [/Password: /, secret],
        [/Repeat the password: /, `${secret}!`],
      ],
    });
    expect(again.code).toBe(2);
    expect(again.output).toContain('the two passwords differ');
  }, 180_000); // many CLI processes, each a fresh Node + tsx start: slow on a loaded machine

  it('names the missing or conflicting flag when --password-stdin cannot work', async () => {
    const env = { XDG_CONFIG_HOME: await configDir(), PHAROS_URL: server.url };
    for (const command of ['login', 'register']) {
      const noName = await runCli([command, '--password-stdin'], { env, input: `${PASSWORD}\n` });
      expect(noName.code).toBe(2);
      expect(noName.stderr).toContain('--password-stdin needs --username <name>');
      const empty = await runCli([command, '-u', newName('e'), '--password-stdin'], { env, input: '' });
      expect(empty.code).toBe(2);
      expect(empty.stderr).toContain('--password-stdin read no password from standard input');
    }
    const both = await runCli(['login', '--password-stdin', '--token', 'x'], { env });
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/option '--password-stdin' cannot be used with option '--token <token>'/);
    // No terminal to prompt on: the flag that would give the answer.
    const noTty = await runCli(['register'], { env });
    expect(noTty.code).toBe(2);
    expect(noTty.stderr).toContain('cannot ask for the username without a terminal: pass --username <name>');
    const noPassword = await runCli(['login', '-u', 'someone'], { env });
    expect(noPassword.code).toBe(2);
    expect(noPassword.stderr).toContain(
      'cannot ask for the password without a terminal: pass --password-stdin',
    );
  }, 180_000); // many CLI processes, each a fresh Node + tsx start: slow on a loaded machine

  it('prints FAILED red and READY green on a terminal; plain on a pipe, with NO_COLOR, and in --json', async () => {
    const user = await ApiClient.register(server.url);
    const env = { XDG_CONFIG_HOME: await configDir(), PHAROS_URL: server.url, PHAROS_TOKEN: user.token };
    const photo = path.join(PHOTOS, 'lighthouse.jpg');

    const failed = await runInTerminal(['upload', photo, '--wait'], { env, stderr: 'drop' });
    expect(failed.code, failed.output).toBe(1);
    expect(failed.output).toMatch(
      new RegExp(`^${RED_FAILED.replaceAll('[', '\\[')}\\s+.*lighthouse\\.jpg`, 'm'),
    );
    const id = /([0-9a-f-]{36})/.exec(failed.output)![1]!;
    expect((await runInTerminal(['ls'], { env, stderr: 'drop' })).output).toContain(RED_FAILED);

    const ready = await runInTerminal(['reprocess', id, '--wait'], { env, stderr: 'drop' });
    expect(ready.code, ready.output).toBe(0);
    expect(ready.output).toContain(GREEN_READY);
    expect((await runInTerminal(['status', id], { env, stderr: 'drop' })).output).toContain(GREEN_READY);

    const json = await runInTerminal(['results', id, '--json'], { env, stderr: 'drop' });
    expect(json.output).not.toMatch(ANY_ESCAPE);
    expect(JSON.parse(json.output)).toMatchObject({ image_id: id, status: 'READY' });
    const noColor = await runInTerminal(['status', id], { env: { ...env, NO_COLOR: '1' }, stderr: 'drop' });
    expect(noColor.output).toMatch(new RegExp(`${id}\\s+READY`));
    expect(noColor.output).not.toMatch(ANY_ESCAPE);
    // A pipe (NO_COLOR unset): plain text.
    const piped = await runCli(['status', id], { env: { ...env, NO_COLOR: '' } });
    expect(piped.stdout).toMatch(new RegExp(`${id}\\s+READY`));
    expect(piped.stdout).not.toMatch(ANY_ESCAPE);
    // FORCE_COLOR paints a pipe too; NO_COLOR still wins, and so does TERM=dumb on a terminal.
    const forced = await runCli(['status', id], { env: { ...env, NO_COLOR: '', FORCE_COLOR: '1' } });
    expect(forced.stdout).toContain(GREEN_READY);
    const both = await runCli(['status', id], { env: { ...env, NO_COLOR: '1', FORCE_COLOR: '1' } });
    expect(both.stdout).not.toMatch(ANY_ESCAPE);
    const dumb = await runInTerminal(['status', id], { env: { ...env, TERM: 'dumb' }, stderr: 'drop' });
    expect(dumb.output).toMatch(new RegExp(`${id}\\s+READY`));
    expect(dumb.output).not.toMatch(ANY_ESCAPE);
  }, 180_000); // many CLI processes, each a fresh Node + tsx start: slow on a loaded machine

  it('exits 2 for reprocess of an unknown or malformed id, and starts nothing', async () => {
    const user = await ApiClient.register(server.url);
    const env = { XDG_CONFIG_HOME: await configDir(), PHAROS_URL: server.url, PHAROS_TOKEN: user.token };
    const up = await runCli(['upload', path.join(PHOTOS, 'ocean-waves.jpg'), '--wait', '--json'], { env });
    const id = (JSON.parse(up.stdout) as { results: { image_id: string }[] }).results[0]!.image_id;
    const executions = async () =>
      (await user.json<{ items: unknown[] }>('GET', `/images/${id}/executions`)).body.items.length;
    const before = await executions();

    const unknown = '00000000-0000-4000-8000-000000000000';
    for (const args of [[unknown], [id, unknown], ['not-an-id'], [unknown, '--wait', '--json']]) {
      const run = await runCli(['reprocess', ...args], { env });
      expect(run.code, `${args.join(' ')}: ${run.stderr}`).toBe(2);
      expect(run.stderr).toMatch(/nothing reprocessed/);
    }
    expect((await runCli(['reprocess', unknown], { env })).stderr).toContain(`${unknown}: not_found`);
    expect(await executions()).toBe(before);
    // The other single-photo commands: an unknown photo is exit 2 with the server's words.
    for (const command of ['results', 'timeline']) {
      const run = await runCli([command, unknown], { env });
      expect(run.code, command).toBe(2);
      expect(run.stderr).toContain('not_found');
    }
  }, 180_000); // many CLI processes, each a fresh Node + tsx start: slow on a loaded machine
});

describe('pharos --timeout', () => {
  let server: TestServer;
  beforeAll(async () => {
    // The describer answers after an hour: nothing finishes while the CLI waits.
    server = await startTestServer({
      PHAROS_SCRIPTED: JSON.stringify({ describer: { latencyMs: 3_600_000 } }),
    });
  });
  afterAll(async () => server?.stop());

  it('exits 1 with TIMEOUT when --timeout passes before the photo is done', async () => {
    const user = await ApiClient.register(server.url);
    const config = await mkdtemp(path.join(tmpdir(), 'pharos-cli-timeout-'));
    try {
      const run = await runCli(['upload', path.join(PHOTOS, 'lighthouse.jpg'), '--wait', '--timeout', '1'], {
        env: { XDG_CONFIG_HOME: config, PHAROS_URL: server.url, PHAROS_TOKEN: user.token },
      });
      expect(run.code, run.stderr).toBe(1);
      expect(run.stdout).toMatch(/^TIMEOUT\s+.*lighthouse\.jpg.*not finished after 1 s/m);
    } finally {
      await rm(config, { recursive: true, force: true });
    }
  });
});
