/**
 * RDS behind RDS Proxy, emulated by the embedded PostgreSQL: TLS on (RDS Proxy requires it, and the
 * functions connect with `sslmode=verify-full`), a certificate for `localhost` that the functions trust
 * through NODE_EXTRA_CA_CERTS (where a Lambda trusts Amazon's roots), and the master user the template's
 * generated secret names, with a generated password — the value the secret then holds.
 */
import { randomBytes } from 'node:crypto';
import { chown, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { generate } from 'selfsigned';
import { type EmbeddedDatabase, startEmbeddedPostgres } from '../../src/adapters/postgres/embedded.js';
import { silentLogger } from '../../src/core/logger.js';

export interface EmulatedDatabase {
  port: number;
  /** PEM of the certificate the server presents (the functions' extra CA). */
  caFile: string;
  /** The secret's value: what RDS writes into the generated secret (plus the attachment's host/port). */
  secret(host: string): Record<string, unknown>;
  adminUrl: string;
  stop(): Promise<void>;
}

/** The postgres OS user's uid/gid when we run as root (it must own the key file). */
async function postgresUser(): Promise<{ uid: number; gid: number } | null> {
  if (process.getuid?.() !== 0) return null;
  const line = (await readFile('/etc/passwd', 'utf8')).split('\n').find((l) => l.startsWith('postgres:'));
  if (!line) return null;
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

export async function startEmulatedDatabase(
  root: string,
  master: { username: string; database: string },
): Promise<EmulatedDatabase> {
  const embedded: EmbeddedDatabase = await startEmbeddedPostgres(root, silentLogger);
  const adminUrl = embedded.url.replace(/\/pharos$/, '/postgres');
  const pems = await generate([{ name: 'commonName', value: 'localhost' }], {
    keySize: 2048,
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
        ],
      },
    ],
  });
  const caFile = path.join(root, 'server.crt');
  const keyFile = path.join(root, 'server.key');
  await writeFile(caFile, pems.cert, { mode: 0o644 });
  await writeFile(keyFile, pems.private, { mode: 0o600 });
  const owner = await postgresUser();
  if (owner) await chown(keyFile, owner.uid, owner.gid);

  const password = randomBytes(18).toString('base64url');
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`ALTER SYSTEM SET ssl_cert_file = '${caFile}'`);
    await admin.query(`ALTER SYSTEM SET ssl_key_file = '${keyFile}'`);
    await admin.query('ALTER SYSTEM SET ssl = on');
    await admin.query('SELECT pg_reload_conf()');
    const user = master.username.replace(/"/g, '""');
    const exists = await admin.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [master.username]);
    await admin.query(`${exists.rowCount ? 'ALTER' : 'CREATE'} ROLE "${user}" LOGIN PASSWORD '${password}'`);
    const db = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [master.database]);
    if (!db.rowCount) await admin.query(`CREATE DATABASE "${master.database.replace(/"/g, '""')}"`);
    await admin.query(`ALTER DATABASE "${master.database.replace(/"/g, '""')}" OWNER TO "${user}"`);
  } finally {
    await admin.end();
  }
  const port = Number(new URL(adminUrl).port);
  return {
    port,
    caFile,
    adminUrl,
    secret: (host) => ({
      username: master.username,
      password,
      engine: 'postgres',
      host,
      port,
      dbname: master.database,
    }),
    stop: () => embedded.stop(),
  };
}
