/**
 * `npm run aws:emulate`: builds the web UI if needed, synthesizes the stack offline (again only when
 * a source changed; `-- --synth` forces it), and runs the
 * deployment the template describes on this machine (see docs/aws.md, "The emulated deployment").
 * Users to sign in with: PHAROS_EMULATE_USERS=name:password,name2:password2.
 */
import path from 'node:path';
import { ROOT } from '../lib/functions.js';
import { startEmulatedDeployment } from './deployment.js';
import { ensureSynth } from './synth.js';
import type { StandInUser } from '../../src/dev/oidc-provider.js';

export function parseUsers(spec: string | undefined): StandInUser[] {
  return (spec ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((entry) => {
      const at = entry.indexOf(':');
      if (at <= 0 || at === entry.length - 1)
        throw new Error(`PHAROS_EMULATE_USERS: "${entry}" is not name:password`);
      return { username: entry.slice(0, at), password: entry.slice(at + 1) };
    });
}

const users = parseUsers(process.env.PHAROS_EMULATE_USERS);
if (!users.length)
  console.warn('No users: set PHAROS_EMULATE_USERS=name:password[,name2:password2] to sign in.');
const outdir = path.join(ROOT, process.env.CDK_OUTDIR ?? 'infra/cdk.out');
const stackName = process.env.PHAROS_EMULATE_STACK ?? 'Pharos';
ensureSynth(ROOT, outdir, stackName, process.argv.includes('--synth'));
const deployment = await startEmulatedDeployment({
  outdir,
  stackName,
  users,
  ...(process.env.PHAROS_EMULATE_DATA_DIR ? { dataDir: process.env.PHAROS_EMULATE_DATA_DIR } : {}),
});
console.log(`Web UI: ${deployment.webUrl}`);
console.log(`HTTP API: ${deployment.httpApiUrl}`);
console.log(`WebSocket API: ${deployment.webSocketUrl}`);
console.log(`OpenID provider (Cognito): ${deployment.issuer}`);
console.log(`Users: ${users.map((u) => u.username).join(', ') || '(none)'}`);
console.log(`Function logs: ${deployment.logFile}`);
let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await deployment.close();
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
