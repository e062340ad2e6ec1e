/** Which server and which token a command uses: flag, then environment, then the stored login. */
import { normaliseUrl, PharosApi } from './api.js';
import { readStoredConfig, writeStoredConfig } from './config-store.js';
import { CliError } from './errors.js';
import { refreshOidcToken } from './oidc-login.js';

/** Whether a JWT's `exp` is past or within a minute (a token that is not a JWT: no way to tell). */
function expiresSoon(token: string): boolean {
  try {
    const { exp } = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as {
      exp?: number;
    };
    return typeof exp === 'number' && exp * 1000 < Date.now() + 60_000;
  } catch {
    return false;
  }
}

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
  const api = await PharosApi.discover(url, token);
  // An OpenID sign-in whose token has expired: renew it with the stored refresh token.
  if (!env.PHAROS_TOKEN && stored.refreshToken && expiresSoon(token) && api.config?.auth.mode === 'oidc') {
    const renewed = await refreshOidcToken(api.config.auth, stored.refreshToken);
    if (!renewed) throw new CliError('the sign-in has expired: run `pharos login` again');
    await writeStoredConfig({ ...stored, token: renewed.token, refreshToken: renewed.refreshToken }, env);
    return new PharosApi(api.baseUrl, renewed.token, api.config);
  }
  return api;
}
