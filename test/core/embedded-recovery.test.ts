import { type ChildProcess, spawn } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** `npm start`'s entry on its embedded defaults (no DATABASE_URL), in a data directory of its own. */
function startServer(dataDir: string): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/entry/server.ts'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      PORT: '0',
      PHAROS_DATA_DIR: dataDir,
      PHAROS_LABELS: 'scripted',
      PHAROS_DESCRIBER: 'scripted',
      PHAROS_BEAUTY: 'scripted',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += String(d)));
  child.stderr!.on('data', (d) => (output += String(d)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL printed:\n${output}`)), 90_000);
    const poll = setInterval(() => {
      const match = /Pharos is running: (http:\/\/\S+)/.exec(output);
      if (match) {
        clearInterval(poll);
        clearTimeout(timer);
        resolve({ child, url: match[1]!, output: () => output });
      }
    }, 100);
    child.on('exit', (code) => {
      clearInterval(poll);
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${output}`));
    });
  });
}

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('npm start on embedded defaults', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('prints its URL, keeps data across restarts, and recovers from an orphaned postmaster after SIGKILL', async () => {
    const parent = await mkdtemp(path.join(tmpdir(), 'pharos-start-'));
    await chmod(parent, 0o755);
    dirs.push(parent);
    const dataDir = path.join(parent, 'data');

    const first = await startServer(dataDir);
    const register = await fetch(`${first.url}/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'survivor', password: 'still here after a crash' }),
    });
    expect(register.status).toBe(201);
    const postmaster = Number((await readFile(path.join(dataDir, 'postgres', 'cluster', 'postmaster.pid'), 'utf8')).split('\n')[0]);
    first.child.kill('SIGKILL');
    await new Promise((r) => first.child.once('exit', r));
    // The crash leaves PostgreSQL running and holding the data directory.
    expect(isAlive(postmaster)).toBe(true);

    const second = await startServer(dataDir);
    expect(second.output()).toContain('left running by a crashed Pharos');
    expect(isAlive(postmaster)).toBe(false);
    const login = await fetch(`${second.url}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'survivor', password: 'still here after a crash' }),
    });
    expect(login.status).toBe(200);

    // Ctrl-C stops cleanly: the process exits 0 and PostgreSQL goes with it.
    const newPostmaster = Number((await readFile(path.join(dataDir, 'postgres', 'cluster', 'postmaster.pid'), 'utf8')).split('\n')[0]);
    second.child.kill('SIGINT');
    const code = await new Promise((r) => second.child.once('exit', r));
    expect(code).toBe(0);
    expect(isAlive(newPostmaster)).toBe(false);
  }, 180_000);
});
