import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnEntry } from '../support/processes.js';

/** `npm start`'s entry on its embedded defaults (no DATABASE_URL), in a data directory of its own. */
async function startServer(dataDir: string) {
  const server = await spawnEntry(
    'server',
    { PORT: '0', PHAROS_DATA_DIR: dataDir },
    /Pharos is running: (http:\/\/\S+)/,
    90_000,
  );
  return { ...server, url: server.ready[1]! };
}

const postmasterPid = async (dataDir: string) =>
  Number(
    (await readFile(path.join(dataDir, 'postgres', 'cluster', 'postmaster.pid'), 'utf8')).split('\n')[0],
  );

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
    const postmaster = await postmasterPid(dataDir);
    await first.kill('SIGKILL');
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
    const newPostmaster = await postmasterPid(dataDir);
    const code = await second.kill('SIGINT');
    expect(code).toBe(0);
    expect(isAlive(newPostmaster)).toBe(false);
  }, 180_000);

  it('under a 0700 directory: as root, one sentence naming the directory and the fix; otherwise it starts', async () => {
    // A mkdtemp folder is 0700, like /root: the "postgres" user that root runs PostgreSQL as cannot enter it.
    const closed = await mkdtemp(path.join(tmpdir(), 'pharos-closed-'));
    dirs.push(closed);
    const dataDir = path.join(closed, 'data');
    if (process.getuid?.() === 0) {
      const failure = await startServer(dataDir).then(
        () => '',
        (error: Error) => error.message,
      );
      expect(failure).toMatch(/exited with 1/);
      expect(failure).toContain(
        `Pharos could not start: running as root, the embedded PostgreSQL runs as the "postgres" user, who cannot enter ${closed}`,
      );
      expect(failure).toMatch(/\nFix: set PHAROS_DATA_DIR to a directory outside it .*chmod o\+x /);
    } else {
      const server = await startServer(dataDir);
      expect(await server.kill('SIGINT')).toBe(0);
    }
  });
});
