/**
 * The bundles' sharp: installed for the Lambda platform (linux, glibc, the function's CPU) by npm from
 * the registry or its cache — the exact commands the afterBundling hook runs, in a shell, into temporary
 * directories — never copied from this machine's own install.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../lib/functions.js';
import { lockedSharpVersion, sharpInstallCommands } from '../lib/lambda-sharp.js';

const work = mkdtempSync(path.join(tmpdir(), 'pharos-lambda-sharp-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function install(cpu: 'x64' | 'arm64', outputDir: string): void {
  const commands = sharpInstallCommands({
    version: lockedSharpVersion(ROOT),
    cpu,
    cacheDir: path.join(work, 'cache'),
    outputDir,
  });
  execFileSync('bash', ['-c', commands.join(' && ')], { stdio: ['ignore', 'ignore', 'inherit'] });
}

describe("the Lambda bundles' sharp", () => {
  it('installs the linux arm64 glibc build for arm64 functions, and nothing for other platforms', () => {
    const out = path.join(work, 'arm64-bundle');
    install('arm64', out);
    const img = readdirSync(path.join(out, 'node_modules/@img')).sort();
    expect(img).toEqual(['colour', 'sharp-libvips-linux-arm64', 'sharp-linux-arm64']);
    const sharpPackage = JSON.parse(readFileSync(path.join(out, 'node_modules/sharp/package.json'), 'utf8'));
    expect(sharpPackage.version).toBe(lockedSharpVersion(ROOT));
    const lib = path.join(out, 'node_modules/@img/sharp-linux-arm64/lib');
    const addon = readdirSync(lib).find((f) => f.endsWith('.node'));
    expect(addon).toBeDefined();
    const binary = readFileSync(path.join(lib, addon!));
    // ELF, machine EM_AARCH64 (183) at offset 18.
    expect(binary.subarray(1, 4).toString()).toBe('ELF');
    expect(binary.readUInt16LE(18)).toBe(183);
  }, 120_000);

  it('installs a working linux x64 build for x86_64 functions, from the cache on the second bundle', async () => {
    const first = path.join(work, 'x64-bundle-1');
    install('x64', first);
    const second = path.join(work, 'x64-bundle-2');
    install('x64', second);
    expect(existsSync(path.join(second, 'node_modules/@img/sharp-linux-x64/package.json'))).toBe(true);
    expect(readdirSync(path.join(work, 'cache')).filter((d) => d.includes('tmp'))).toEqual([]);
    // The bundle's own copy decodes and resizes (this machine is linux x64 glibc, like Lambda).
    const require = createRequire(path.join(second, 'index.mjs'));
    const resolved = require.resolve('sharp');
    expect(resolved.startsWith(second)).toBe(true);
    const sharp = require('sharp') as typeof import('sharp').default;
    const png = await sharp({ create: { width: 40, height: 30, channels: 3, background: '#336699' } })
      .png()
      .toBuffer();
    const meta = await sharp(png).resize(20).jpeg().toBuffer({ resolveWithObject: true });
    expect(meta.info).toMatchObject({ format: 'jpeg', width: 20, height: 15 });
  }, 120_000);
});
