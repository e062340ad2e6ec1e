/**
 * sharp for the Lambda platform, whatever the build machine: npm installs the prebuilt linux/glibc
 * package for the function's CPU (sharp's documented cross-platform install, `--os --cpu --libc`) into
 * a cache directory once per version and CPU, and every bundle copies it from there — nothing is copied
 * from this machine's own install, so a macOS or arm64 build machine works. `--prefer-offline` serves it
 * from the npm cache when it is there, so only the first synth on a machine needs the npm registry.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

export type LambdaCpu = 'x64' | 'arm64';

/** The sharp version the project runs (the lockfile's), so Lambda runs what the tests ran. */
export function lockedSharpVersion(root: string): string {
  const lock = JSON.parse(readFileSync(path.join(root, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { version?: string }>;
  };
  const version = lock.packages['node_modules/sharp']?.version;
  if (!version) throw new Error('sharp is not in package-lock.json');
  return version;
}

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * Shell commands (run by the bundling's afterBundling hook, in one shell) that put sharp and its
 * linux-<cpu> glibc binaries under `<outputDir>/node_modules`, installing them into `cacheDir` first.
 */
export function sharpInstallCommands(options: {
  version: string;
  cpu: LambdaCpu;
  cacheDir: string;
  outputDir: string;
}): string[] {
  const { version, cpu } = options;
  const cache = quote(path.join(options.cacheDir, `${version}-linux-${cpu}-glibc`));
  const marker = `${cache}/node_modules/@img/sharp-linux-${cpu}/package.json`;
  const npm = [
    'npm install',
    quote(`sharp@${version}`),
    `--os=linux --cpu=${cpu} --libc=glibc`,
    '--prefer-offline --no-package-lock --no-save --ignore-scripts --no-audit --no-fund --loglevel=error',
  ].join(' ');
  return [
    // Staged then renamed, so an interrupted install never looks complete. Its own package.json keeps npm
    // from walking up to the project's.
    `if [ ! -f ${marker} ]; then ` +
      `staging=${cache}.tmp-$$ && rm -rf "$staging" && mkdir -p "$staging" && ` +
      `echo '{"name":"pharos-lambda-sharp","private":true}' > "$staging/package.json" && ` +
      `(cd "$staging" && ${npm}) && ` +
      `test -f "$staging/node_modules/@img/sharp-linux-${cpu}/package.json" && ` +
      `rm -rf ${cache} && mv "$staging" ${cache}; fi`,
    `mkdir -p ${quote(options.outputDir)}/node_modules`,
    `cp -R ${cache}/node_modules/. ${quote(options.outputDir)}/node_modules/`,
  ];
}
