import { chmod, lstat, mkdtemp, readFile, readlink, rm } from 'node:fs/promises';
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

  it('under a 0700 directory: it starts (as root, with the cluster staged where "postgres" can enter) and serves the web UI', async () => {
    // A mkdtemp folder is 0700, like /root: the "postgres" user that root runs PostgreSQL as cannot enter it.
    const closed = await mkdtemp(path.join(tmpdir(), 'pharos-closed-'));
    const home = await mkdtemp(path.join(tmpdir(), 'pharos-pg-home-'));
    await chmod(home, 0o755);
    dirs.push(closed, home);
    const dataDir = path.join(closed, 'data');
    const server = await spawnEntry(
      'server',
      { PORT: '0', PHAROS_DATA_DIR: dataDir, PHAROS_POSTGRES_HOME: home },
      /Pharos is running: (http:\/\/\S+)/,
      90_000,
    );
    try {
      const page = await fetch(server.ready[1]!);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<div id="root">');
      const cluster = path.join(dataDir, 'postgres', 'cluster');
      if (process.getuid?.() === 0) {
        // The data directory says where its cluster is: a symlink into the PostgreSQL home.
        const target = await readlink(cluster);
        expect(target.startsWith(path.join(home, 'clusters') + path.sep)).toBe(true);
        expect(await readFile(path.join(path.dirname(target), 'DATA_DIR'), 'utf8')).toBe(
          `${path.join(dataDir, 'postgres')}\n`,
        );
      } else {
        expect((await lstat(cluster)).isDirectory()).toBe(true);
      }
    } finally {
      expect(await server.kill('SIGINT')).toBe(0);
    }
  });

  it('as root, where it truly cannot work (a PostgreSQL home closed to "postgres"): one sentence and the fix', async () => {
    if (process.getuid?.() !== 0) return; // only root hands PostgreSQL to another user
    const closed = await mkdtemp(path.join(tmpdir(), 'pharos-closed-'));
    dirs.push(closed);
    const failure = await spawnEntry(
      'server',
      {
        PORT: '0',
        PHAROS_DATA_DIR: path.join(closed, 'data'),
        PHAROS_POSTGRES_HOME: path.join(closed, 'pg-home'),
      },
      /Pharos is running/,
      90_000,
    ).then(
      () => '',
      (error: Error) => error.message,
    );
    expect(failure).toMatch(/exited with 1/);
    expect(failure).toContain(
      `Pharos could not start: the "postgres" user cannot enter ${closed}, on the way to the PostgreSQL home ${path.join(closed, 'pg-home')}.`,
    );
    expect(failure).toMatch(
      /\nFix: run `chmod o\+x [^`]+`, or set PHAROS_POSTGRES_HOME to a folder root owns/,
    );
  });
});
