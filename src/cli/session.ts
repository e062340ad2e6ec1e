/** Which server and which token a command uses: flag, then environment, then the stored login. */
import { normaliseUrl, PharosApi } from './api.js';
import { readStoredConfig } from './config-store.js';
import { CliError } from './errors.js';

export interface ServerOptions {
  url?: string;
}

export async function resolveUrl(
  options: ServerOptions,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string> {
  const raw = options.url ?? env.PHAROS_URL ?? (await readStoredConfig(env)).url;
  if (!raw)
    throw new CliError('no server: pass --url, set PHAROS_URL, or run `pharos login --url <url>` once');
  return normaliseUrl(raw);
}

/** An authenticated client. PHAROS_TOKEN (for CI) wins over the stored login. */
export async function openSession(
  options: ServerOptions,
  env: NodeJS.ProcessEnv = process.env,
): Promise<PharosApi> {
  const url = await resolveUrl(options, env);
  const stored = await readStoredConfig(env);
  const token = env.PHAROS_TOKEN || stored.token;
  if (!token) throw new CliError('not signed in: run `pharos login` (or set PHAROS_TOKEN)');
  if (!env.PHAROS_TOKEN && stored.url && normaliseUrl(stored.url) !== url) {
    throw new CliError(
      `the stored login is for ${stored.url}, not ${url}: run \`pharos login --url ${url}\``,
    );
  }
  return PharosApi.discover(url, token);
}
