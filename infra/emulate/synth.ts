/**
 * `npm run synth` when its output is missing or older than what goes into it (the app's and the
 * stack's sources, the web build, the lockfile): the emulator always runs the current template, and
 * an unchanged tree does not pay for a second synth (bundling every function takes a minute or more).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { newestMtime } from '../../scripts/newest-mtime.mjs';

const INPUTS = ['src', 'infra/lib', 'infra/bin', 'web/dist', 'package-lock.json', 'cdk.json'];

export function ensureSynth(root: string, outdir: string, stackName = 'Pharos', force = false): void {
  const template = path.join(outdir, `${stackName}.template.json`);
  const built = existsSync(template) ? statSync(template).mtimeMs : 0;
  const newest = Math.max(...INPUTS.map((p) => newestMtime(path.join(root, p))));
  if (!force && built > newest) return;
  execFileSync(process.execPath, ['--import', 'tsx', path.join(root, 'infra/bin/pharos.ts')], {
    cwd: root,
    env: { ...process.env, CDK_OUTDIR: outdir },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}
