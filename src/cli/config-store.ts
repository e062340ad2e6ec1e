/**
 * Where the CLI keeps the server URL and the token: `$XDG_CONFIG_HOME/pharos/config.json` (or
 * `~/.config/pharos/`), the directory 0700 and the file 0600, written atomically.
 */
import { chmod, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';

export interface StoredConfig {
  url?: string;
  token?: string;
  username?: string;
  /** OpenID Connect sign-ins: renews `token` when it expires. */
  refreshToken?: string;
}

export function configDir(env: NodeJS.ProcessEnv = process.env): string {
  const base =
    env.XDG_CONFIG_HOME && path.isAbsolute(env.XDG_CONFIG_HOME)
      ? env.XDG_CONFIG_HOME
      : path.join(homedir(), '.config');
  return path.join(base, 'pharos');
}

export const configFile = (env: NodeJS.ProcessEnv = process.env) => path.join(configDir(env), 'config.json');

export async function readStoredConfig(env: NodeJS.ProcessEnv = process.env): Promise<StoredConfig> {
  try {
    const parsed: unknown = JSON.parse(await readFile(configFile(env), 'utf8'));
    if (!parsed || typeof parsed !== 'object') return {};
    const { url, token, username, refreshToken } = parsed as Record<string, unknown>;
    return {
      url: typeof url === 'string' ? url : undefined,
      token: typeof token === 'string' ? token : undefined,
      username: typeof username === 'string' ? username : undefined,
      refreshToken: typeof refreshToken === 'string' ? refreshToken : undefined,
    };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    if (error instanceof SyntaxError) return {};
    throw error;
  }
}

export async function writeStoredConfig(
  config: StoredConfig,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string> {
  const dir = configDir(env);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const file = configFile(env);
  const temporary = `${file}.${process.pid}.tmp`;
  // Created 0600 from the start, so the token is never readable by others, not even for an instant.
  await writeFile(temporary, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  await chmod(temporary, 0o600);
  await rename(temporary, file);
  return file;
}

export async function clearStoredToken(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const current = await readStoredConfig(env);
  if (!current.url && !current.username) {
    await rm(configFile(env), { force: true });
    return;
  }
  await writeStoredConfig({ url: current.url, username: current.username }, env);
}
