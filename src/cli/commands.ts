/** The commands: each returns its exit code; errors the user can act on are CliErrors. */
import { ApiError, fetchServerConfig, normaliseUrl, PharosApi, type AiResults } from './api.js';
import { oidcLogin } from './oidc-login.js';
import { clearStoredToken, readStoredConfig, writeStoredConfig } from './config-store.js';
import { CliError, EXIT, type ExitCode } from './errors.js';
import { collectImages } from './files.js';
import {
  Progress,
  bold,
  colourStatus,
  dim,
  err,
  out,
  printJson,
  red,
  renderCard,
  renderList,
  renderStatus,
  renderTimeline,
} from './output.js';
import { ask, readStdinLine } from './prompt.js';
import { openSession, resolveUrl, type ServerOptions } from './session.js';
import { uploadMode, uploadPhoto } from './upload.js';
import { CompletionWatcher, type Outcome } from './watch.js';

/** An API error for one photo becomes that photo's failure reason; anything else propagates. */
function reasonOf(error: unknown): string {
  if (error instanceof ApiError) return `${error.code}: ${error.message}`;
  throw error;
}

/** 404s and 400s on a single-photo command are the user's mistake: exit 2 with the server's words. */
async function single<T>(call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (error) {
    if (error instanceof ApiError) throw new CliError(`${error.code}: ${error.message}`, EXIT.usage);
    throw error;
  }
}

type Credentials = ServerOptions & { username?: string; passwordStdin?: boolean };

/**
 * A local account's name and password: flags, the saved login's name, prompts. With --password-stdin
 * standard input holds the password, so the name must come from --username (or the saved login).
 */
async function localCredentials(
  options: Credentials,
  url: string,
  confirm: boolean,
): Promise<{ username: string; password: string }> {
  const stored = await readStoredConfig();
  let username =
    options.username ??
    (!confirm && stored.username && normaliseUrl(stored.url ?? url) === url ? stored.username : undefined);
  if (options.passwordStdin && username === undefined)
    throw new CliError('--password-stdin needs --username <name> (standard input holds the password)');
  username ??= await ask('Username: ', { flag: '--username <name>' });
  username = username.trim();
  if (!username) throw new CliError('the username is empty');
  if (options.passwordStdin) {
    const password = await readStdinLine();
    if (!password) throw new CliError('--password-stdin read no password from standard input');
    return { username, password };
  }
  const password = await ask('Password: ', { secret: true, flag: '--password-stdin' });
  if (!password) throw new CliError('the password is empty');
  if (confirm && (await ask('Repeat the password: ', { secret: true })) !== password)
    throw new CliError('the two passwords differ');
  return { username, password };
}

/** Signs in (or registers) a local account and saves the token; the server's refusal is exit 2. */
async function signInLocally(how: 'login' | 'register', url: string, options: Credentials) {
  const { username, password } = await localCredentials(options, url, how === 'register');
  try {
    const { token } = await new PharosApi(url, null).signIn(how, username, password);
    return { token, username };
  } catch (error) {
    if (error instanceof ApiError)
      throw new CliError(`${how === 'login' ? 'login' : 'registration'} failed: ${error.message}`);
    throw error;
  }
}

export async function login(
  options: Credentials & {
    token?: string;
    tokenStdin?: boolean;
    oidc?: boolean;
    callbackPort?: number;
  },
): Promise<ExitCode> {
  const url = await resolveUrl(options);
  let token: string;
  let username: string | undefined;
  let refreshToken: string | undefined;
  const local = options.username !== undefined || options.passwordStdin;
  const tokenGiven = options.token !== undefined || options.tokenStdin;
  const auth = options.oidc || (!local && !tokenGiven) ? (await fetchServerConfig(url))?.auth : undefined;
  if (options.oidc && auth?.mode !== 'oidc')
    throw new CliError(`${url} does not sign in with OpenID Connect (its /config.json says local accounts)`);
  if (auth?.mode === 'oidc') {
    // The server's OpenID provider: device code, or the browser and a loopback redirect.
    const tokens = await oidcLogin(auth, { callbackPort: options.callbackPort }, err);
    ({ token, username, refreshToken } = tokens);
    await (await PharosApi.discover(url, token)).list({ limit: 1 });
  } else if (tokenGiven) {
    // An OIDC / Cognito token obtained elsewhere: check it against the server before keeping it.
    token = (options.tokenStdin ? await readStdinLine() : options.token!).trim();
    if (!token) throw new CliError(options.tokenStdin ? '--token-stdin read no token' : 'the token is empty');
    await new PharosApi(url, token).list({ limit: 1 });
  } else {
    ({ token, username } = await signInLocally('login', url, options));
  }
  const file = await writeStoredConfig({ url, token, username, refreshToken });
  err(`Signed in to ${url}${username ? ` as ${username}` : ''} (token saved in ${file}).`);
  return EXIT.ok;
}

/** `pharos register`: a new local account on the server, signed in at once (the token saved as by login). */
export async function register(options: Credentials): Promise<ExitCode> {
  const url = await resolveUrl(options);
  const auth = (await fetchServerConfig(url))?.auth;
  if (auth?.mode === 'oidc')
    throw new CliError(
      `${url} signs in with OpenID Connect: create the account at ${auth.authority} (or its sign-up page), then run \`pharos login\``,
    );
  const { token, username } = await signInLocally('register', url, options);
  const file = await writeStoredConfig({ url, token, username });
  err(`Registered ${username} on ${url} and signed in (token saved in ${file}).`);
  return EXIT.ok;
}

export async function logout(): Promise<ExitCode> {
  await clearStoredToken();
  err('Signed out.');
  return EXIT.ok;
}

interface PhotoResult {
  file: string;
  image_id: string | null;
  status: string;
  error: string | null;
  description?: string | null;
  tags?: string[];
  beauty_score?: number | null;
}

/** Watches a set of photos to the end, with a processing bar, then fills in captions and reasons. */
async function waitForAll(
  api: PharosApi,
  watcher: CompletionWatcher,
  items: PhotoResult[],
  progress: Progress,
  timeoutSeconds: number,
): Promise<void> {
  const names = new Map(items.filter((i) => i.image_id).map((i) => [i.image_id!, i.file]));
  progress.bar('process', 'Processing', names.size);
  const outcomes = await watcher.waitFor([...names.keys()], { timeoutMs: timeoutSeconds * 1000 });
  watcher.close();
  progress.stop();
  for (const item of items) {
    if (!item.image_id) continue;
    const outcome = outcomes.get(item.image_id);
    if (!outcome) {
      item.status = 'TIMEOUT';
      item.error = `not finished after ${timeoutSeconds} s`;
      continue;
    }
    const ai: AiResults | null = await api.results(item.image_id).catch(() => null);
    item.status = ai?.status === 'READY' || ai?.status === 'FAILED' ? ai.status : outcome;
    item.error = ai?.error ?? (item.status === 'FAILED' ? 'failed' : null);
    item.description = ai?.description ?? null;
    item.tags = ai?.tags ?? [];
    item.beauty_score = ai?.beauty_score ?? null;
  }
}

function watcherEvents(progress: Progress, names: () => Map<string, string>) {
  return {
    progress: (id: string, state: string, status: string) => {
      if (names().has(id)) progress.detail('process', `${names().get(id)}: ${state} ${status}`);
    },
    complete: (id: string, status: Outcome) => {
      const name = names().get(id) ?? id;
      progress.tick('process', `${name}: ${status}`);
      if (!process.stderr.isTTY) return;
      if (status === 'FAILED') progress.log(`${red('✗')} ${name} FAILED`);
    },
  };
}

function summarise(
  items: PhotoResult[],
  json: boolean,
  skipped: { path: string; reason: string }[] = [],
): ExitCode {
  const failed = items.filter((i) => i.status === 'FAILED' || i.status === 'TIMEOUT');
  if (json) {
    printJson({ results: items, skipped });
  } else {
    for (const item of items) {
      const detail =
        item.status === 'READY'
          ? `${item.beauty_score === null || item.beauty_score === undefined ? '' : `beauty ${item.beauty_score}/100  `}${item.description ?? ''}`
          : (item.error ?? '');
      out(`${colourStatus(item.status, 10)} ${item.file}  ${dim(item.image_id ?? '-')}  ${detail}`);
    }
    const counts = new Map<string, number>();
    for (const item of items) counts.set(item.status, (counts.get(item.status) ?? 0) + 1);
    out(
      bold(
        [...counts].map(([status, n]) => `${n} ${status}`).join(', ') +
          (skipped.length ? `, ${skipped.length} skipped` : ''),
      ),
    );
  }
  return failed.length ? EXIT.failed : EXIT.ok;
}

export async function upload(
  inputs: string[],
  options: ServerOptions & {
    wait?: boolean;
    concurrency: number;
    json?: boolean;
    process?: boolean;
    timeout: number;
  },
): Promise<ExitCode> {
  const api = await openSession(options);
  if (options.process === false && uploadMode(api) === 'direct')
    throw new CliError(
      `--no-process is not available on ${api.baseUrl}: it takes uploads straight to object storage, and those are always processed`,
    );
  const { images, skipped } = await collectImages(inputs);
  for (const s of skipped) err(`skipped ${s.path}: ${s.reason}`);
  if (!images.length) throw new CliError('nothing to upload: no images among the arguments');

  const progress = new Progress(!options.json);
  const results: PhotoResult[] = images.map((c) => ({
    file: c.path,
    image_id: null,
    status: 'PENDING',
    error: null,
  }));
  const names = new Map<string, string>();
  const watcher = options.wait
    ? await CompletionWatcher.open(
        api,
        watcherEvents(progress, () => names),
        (warning) => err(warning),
      )
    : null;
  try {
    progress.bar('upload', 'Uploading', images.length);
    let next = 0;
    const worker = async () => {
      for (let index = next++; index < images.length; index = next++) {
        const item = results[index]!;
        try {
          const meta = await uploadPhoto(api, images[index]!, { process: options.process });
          item.image_id = meta.image_id;
          item.status = meta.status;
          names.set(meta.image_id, item.file);
        } catch (error) {
          item.status = 'FAILED';
          item.error = reasonOf(error);
          progress.log(`${red('✗')} ${item.file}: ${item.error}`);
        }
        progress.tick('upload', item.file);
      }
    };
    await Promise.all(Array.from({ length: Math.min(options.concurrency, images.length) }, worker));
    if (watcher && options.process !== false)
      await waitForAll(api, watcher, results, progress, options.timeout);
  } finally {
    watcher?.close();
    progress.stop();
  }
  return summarise(results, Boolean(options.json), skipped);
}

export async function status(id: string, options: ServerOptions & { json?: boolean }): Promise<ExitCode> {
  const api = await openSession(options);
  const meta = await single(api.get(id));
  if (options.json) printJson(meta);
  else out(renderStatus(meta));
  return meta.status === 'FAILED' ? EXIT.failed : EXIT.ok;
}

export async function results(id: string, options: ServerOptions & { json?: boolean }): Promise<ExitCode> {
  const api = await openSession(options);
  const [meta, ai] = await Promise.all([single(api.get(id)), single(api.results(id))]);
  if (options.json) printJson({ ...ai, filename: meta.filename });
  else out(renderCard(meta, ai));
  return ai.status === 'FAILED' ? EXIT.failed : EXIT.ok;
}

export async function reprocess(
  ids: string[],
  options: ServerOptions & { wait?: boolean; json?: boolean; timeout: number },
): Promise<ExitCode> {
  const api = await openSession(options);
  // Every id first: an unknown (or malformed) one is a usage error (exit 2), and nothing is started.
  const found = await Promise.all(
    ids.map((id) =>
      api.get(id).catch((error: unknown) => {
        if (!(error instanceof ApiError) || (error.status !== 404 && error.status !== 400)) throw error;
        err(`pharos: ${id}: ${error.code}: ${error.message}`);
        return null;
      }),
    ),
  );
  if (found.includes(null)) throw new CliError('nothing reprocessed: check the ids (`pharos ls`)');
  const progress = new Progress(!options.json);
  const items: PhotoResult[] = found.map((meta) => ({
    file: meta!.filename,
    image_id: meta!.image_id,
    status: 'PENDING',
    error: null,
  }));
  const names = new Map(items.map((item) => [item.image_id!, item.file]));
  const watcher = options.wait
    ? await CompletionWatcher.open(
        api,
        watcherEvents(progress, () => names),
        (warning) => err(warning),
      )
    : null;
  try {
    for (const item of items) {
      try {
        const started = await api.process(item.image_id!);
        item.status = started.status;
        if (!options.json && !options.wait)
          out(`${item.image_id}  ${colourStatus(started.status)}  execution ${started.execution_id}`);
      } catch (error) {
        item.status = 'FAILED';
        item.error = reasonOf(error);
        item.image_id = null; // nothing to wait for
        err(`${red('✗')} ${item.file}: ${item.error}`);
      }
    }
    if (watcher) await waitForAll(api, watcher, items, progress, options.timeout);
  } finally {
    watcher?.close();
    progress.stop();
  }
  if (!options.wait && !options.json) return items.some((i) => i.status === 'FAILED') ? EXIT.failed : EXIT.ok;
  return summarise(items, Boolean(options.json));
}

type ListOptions = ServerOptions & {
  status?: string;
  tag?: string;
  sort?: string;
  limit: number;
  all?: boolean;
  json?: boolean;
};

export async function list(options: ListOptions, q?: string): Promise<ExitCode> {
  const api = await openSession(options);
  const items = [];
  let cursor: string | undefined;
  const { status, tag, sort } = options;
  do {
    const page = await single(
      api.list({ q, status, tag, sort, limit: Math.min(options.limit, 100), cursor }),
    );
    items.push(...page.items);
    cursor = page.next_cursor ?? undefined;
  } while (options.all && cursor);
  if (options.json) printJson(items);
  else out(q === undefined ? renderList(items) : renderList(items, `No photos match "${q}".`));
  return EXIT.ok;
}

/** `pharos search <words…>`: the list, by relevance, of photos matching every word (see docs/search.md). */
export function search(words: string[], options: ListOptions): Promise<ExitCode> {
  return list(options, words.join(' '));
}

export async function timeline(id: string, options: ServerOptions & { json?: boolean }): Promise<ExitCode> {
  const api = await openSession(options);
  const { items } = await single(api.timeline(id));
  if (options.json) printJson(items);
  else out(renderTimeline(items));
  return EXIT.ok;
}
