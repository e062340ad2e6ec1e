/**
 * `npm run lint:openapi`: the OpenAPI document, exactly as the server serves it at /openapi.json, linted
 * with Redocly's `recommended` ruleset; a warning fails the run like an error. The document comes from
 * the app's own generator (no server, no database). The linter runs offline: telemetry and update
 * notices off, and the document has no remote $refs.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openApiDocument } from '../src/app/http/app.js';
import { documentedApp } from '../src/app/http/documented-app.js';

interface Report {
  totals: { errors: number; warnings: number };
  problems: { ruleId: string; severity: string; message: string; location: { pointer: string }[] }[];
}

const app = documentedApp();

function lint(file: string): Report {
  const cli = createRequire(import.meta.url).resolve('@redocly/cli/bin/cli.js');
  const args = [cli, 'lint', '--extends', 'recommended', '--format', 'json', '--max-problems', '500', file];
  const options = {
    encoding: 'utf8' as const,
    timeout: 120_000,
    stdio: ['ignore', 'pipe', 'ignore'] as ['ignore', 'pipe', 'ignore'],
    env: {
      ...process.env,
      REDOCLY_TELEMETRY: 'off',
      REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true',
      REDOCLY_SUPPRESS_NOTIFICATIONS: 'true',
    },
  };
  try {
    return JSON.parse(execFileSync(process.execPath, args, options)) as Report;
  } catch (error) {
    // Exit code 1 with a report is "errors found"; anything else (no JSON) is the linter failing.
    const stdout = (error as { stdout?: string }).stdout;
    if (!stdout) throw error;
    return JSON.parse(stdout) as Report;
  }
}

const dir = mkdtempSync(path.join(tmpdir(), 'pharos-openapi-'));
try {
  const file = path.join(dir, 'openapi.json');
  writeFileSync(file, JSON.stringify(openApiDocument(app), null, 2));
  const report = lint(file);
  for (const p of report.problems)
    console.error(`${p.severity} ${p.ruleId} at ${p.location[0]?.pointer ?? '#'}: ${p.message}`);
  const { errors, warnings } = report.totals;
  console.log(`OpenAPI document (redocly recommended): ${errors} errors, ${warnings} warnings`);
  if (errors + warnings > 0) process.exitCode = 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
