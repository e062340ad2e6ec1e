/**
 * A real OpenID Provider on localhost, for tests and the emulated AWS deployment (Cognito's stand-in):
 * `oidc-provider` (an OpenID-certified implementation) with a minimal username + password page in
 * place of a hosted login (Cognito's managed login, Keycloak's, …). It behaves like Cognito where
 * Pharos depends on it: an issuer under a path (`<origin>/<pool id>`), public clients with the code
 * grant and PKCE, refresh tokens for the code grant, JWT access tokens carrying `client_id`,
 * `token_use` and `username` with each client's scopes and token lifetimes, the JWKS at
 * `<issuer>/.well-known/jwks.json`, CORS for the clients' own origins, a stable UUID `sub` per user,
 * and a sign-out that ends the provider session at once — also through the managed login's
 * `/logout?client_id=&logout_uri=`. It also offers the device authorization grant (the CLI's sign-in),
 * which Cognito lacks; `deviceFlow: false` hides it (the emulated Cognito, and the CLI's loopback test).
 *
 * Not for production: keys and sessions live in memory and vanish with the process.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair } from 'jose';
import Provider, { type KoaContextWithOIDC } from 'oidc-provider';

export interface StandInClient {
  clientId: string;
  /** Exact redirect URIs; loopback ones (`http://127.0.0.1/…`) accept any port, as RFC 8252 asks. */
  redirectUris: string[];
  postLogoutRedirectUris?: string[];
  /** The scopes its access tokens carry (Cognito: the app client's allowed OAuth scopes). */
  scopes?: string[];
  accessTokenSeconds?: number;
  idTokenSeconds?: number;
}

export interface StandInUser {
  username: string;
  password: string;
  email?: string;
}

export interface OidcStandInOptions {
  clients: StandInClient[];
  users?: StandInUser[];
  /** A server already listening (the emulator puts its URL into the template first); else a new one. */
  bound?: { server: Server; url: string };
  host?: string;
  /** 0 = any free port. */
  port?: number;
  /** The issuer's path, e.g. `/us-east-1_Emulated` to look like a Cognito pool. */
  issuerPath?: string;
  /** Every client's access and ID token lifetime unless the client sets its own (default 3600). */
  accessTokenTtlSeconds?: number;
  deviceFlow?: boolean;
}

export interface OidcStandIn {
  /** `http://<host>:<port>` */
  origin: string;
  /** The issuer URL (no trailing slash), also the `authority` for the web UI. */
  issuer: string;
  jwksUrl: string;
  addUser(user: StandInUser): string;
  /** The subject (`sub`) of a user, the Pharos user id. */
  subjectOf(username: string): string | undefined;
  stop(): Promise<void>;
}

/** The resource every access token is issued for: makes them JWTs, as Cognito's are. */
const API_RESOURCE = 'urn:pharos:api';
const DEVICE_CODE = 'urn:ietf:params:oauth:grant-type:device_code';

/** A stable UUID-shaped subject per user name under an issuer, like Cognito's `sub`. */
export function subjectFor(namespace: string, username: string): string {
  const hex = createHash('sha256').update(`${namespace}/${username}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

const escape = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><main><h1>${escape(title)}</h1>${body}</main></body></html>`;
}

function loginPage(action: string, error?: string): string {
  return page(
    'Sign in to your account',
    `${error ? `<p role="alert">${escape(error)}</p>` : ''}
<form method="post" action="${escape(action)}" autocomplete="off">
<label for="username">Username</label> <input id="username" name="username" autocomplete="username" required autofocus>
<label for="password">Password</label> <input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Sign in</button></form>`,
  );
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

async function listen(options: OidcStandInOptions): Promise<{ server: Server; url: string }> {
  if (options.bound) return options.bound;
  const server = createServer();
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, host, resolve));
  return { server, url: `http://${host}:${(server.address() as AddressInfo).port}` };
}

export async function startOidcStandIn(options: OidcStandInOptions): Promise<OidcStandIn> {
  const { server, url: origin } = await listen(options);
  const mount = (options.issuerPath ?? '').replace(/\/$/, '');
  const issuer = `${origin}${mount}`;
  const namespace = mount.replace(/^\//, '') || origin;

  const users = new Map<string, { password: string; sub: string; email?: string }>();
  const subjects = new Map<string, string>();
  const addUser = (user: StandInUser) => {
    const sub = subjectFor(namespace, user.username);
    users.set(user.username, { password: user.password, sub, email: user.email });
    subjects.set(sub, user.username);
    return sub;
  };
  for (const user of options.users ?? []) addUser(user);

  const clients = new Map(options.clients.map((c) => [c.clientId, c]));
  const clientOf = (ctx: KoaContextWithOIDC) => clients.get(ctx.oidc.client?.clientId ?? '');
  const defaultTtl = options.accessTokenTtlSeconds ?? 3600;
  const accessTtl = (ctx: KoaContextWithOIDC) => clientOf(ctx)?.accessTokenSeconds ?? defaultTtl;
  const deviceFlow = options.deviceFlow ?? true;

  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const signingKey = { ...(await exportJWK(privateKey)), kid: randomUUID(), alg: 'RS256', use: 'sig' };

  const provider = new Provider(issuer, {
    clients: options.clients.map((c) => ({
      client_id: c.clientId,
      token_endpoint_auth_method: 'none',
      application_type: 'native', // a public client; allows loopback redirects on any port
      redirect_uris: c.redirectUris,
      post_logout_redirect_uris: c.postLogoutRedirectUris ?? [],
      grant_types: ['authorization_code', 'refresh_token', ...(deviceFlow ? [DEVICE_CODE] : [])],
      response_types: ['code'],
    })),
    jwks: { keys: [signingKey] },
    cookies: { keys: [randomBytes(32).toString('hex')] },
    routes: { jwks: '/.well-known/jwks.json' },
    scopes: ['openid', 'profile', 'email', 'phone', 'aws.cognito.signin.user.admin', 'offline_access'],
    claims: {
      openid: ['sub', 'cognito:username'],
      profile: ['preferred_username', 'name'],
      email: ['email', 'email_verified'],
    },
    // Cognito puts the profile claims into the ID token; so does this stand-in.
    conformIdTokenClaims: false,
    pkce: { required: () => true },
    // Browsers may call the token endpoint from a client's own origins only (its redirect URIs').
    clientBasedCORS: (_ctx, requestOrigin, client) =>
      (client.redirectUris ?? []).some((uri) => new URL(uri).origin === requestOrigin),
    ttl: {
      AccessToken: accessTtl,
      IdToken: (ctx) => clientOf(ctx)?.idTokenSeconds ?? defaultTtl,
      RefreshToken: 30 * 24 * 3600,
      Session: 24 * 3600,
      Grant: 30 * 24 * 3600,
      Interaction: 600,
      DeviceCode: 600,
      AuthorizationCode: 60,
    },
    async findAccount(_ctx, sub) {
      const username = subjects.get(sub);
      if (!username) return undefined;
      const user = users.get(username)!;
      return {
        accountId: sub,
        claims: async () => ({
          sub,
          preferred_username: username,
          'cognito:username': username,
          name: username,
          ...(user.email ? { email: user.email, email_verified: true } : {}),
        }),
      };
    },
    // Cognito issues a refresh token with every code grant; it does not require offline_access.
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    // Access tokens shaped like Cognito's: the app client, the token's use, the user name.
    extraTokenClaims: async (_ctx, token) =>
      token.kind === 'AccessToken'
        ? {
            client_id: (token as unknown as { clientId: string }).clientId,
            token_use: 'access',
            username: subjects.get(String((token as unknown as { accountId: string }).accountId)),
          }
        : undefined,
    interactions: { url: (_ctx, interaction) => `${mount}/interaction/${interaction.uid}` },
    features: {
      devInteractions: { enabled: false },
      revocation: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => API_RESOURCE,
        useGrantedResource: () => true,
        getResourceServerInfo: (ctx) => ({
          scope: clientOf(ctx)?.scopes?.join(' ') ?? 'openid profile email',
          audience: ctx.oidc.client?.clientId ?? API_RESOURCE,
          accessTokenFormat: 'jwt',
          accessTokenTTL: accessTtl(ctx),
          jwt: { sign: { alg: 'RS256' } },
        }),
      },
      deviceFlow: {
        enabled: deviceFlow,
        userCodeInputSource: async (ctx, form, _out, err) => {
          ctx.body = page(
            'Enter the code shown on your device',
            `${err ? '<p role="alert">That code is not valid. Try again.</p>' : ''}${form}
<label for="user-code">Code</label> <input id="user-code" name="user_code" form="op.deviceInputForm" autofocus>
<button type="submit" form="op.deviceInputForm">Continue</button>`,
          );
        },
        userCodeConfirmSource: async (ctx, form, _client, _info, userCode) => {
          ctx.body = page(
            'Confirm the device',
            `<p>Is this the code on your device? <code>${escape(userCode)}</code></p>${form}
<button type="submit" form="op.deviceConfirmForm">Continue</button>`,
          );
        },
        successSource: async (ctx) => {
          ctx.body = page('Signed in', '<p>You can close this window and return to your device.</p>');
        },
      },
      rpInitiatedLogout: {
        enabled: true,
        // Ends the session at once, as Cognito's /logout does (no "are you sure?" page).
        logoutSource: async (ctx, form) => {
          ctx.body = page(
            'Signing out…',
            `${form.replace('</form>', '<input type="hidden" name="logout" value="yes"></form>')}
<script>document.forms[0].submit()</script>`,
          );
        },
        postLogoutSuccessSource: async (ctx) => {
          ctx.body = page('Signed out', '<p>You are signed out.</p>');
        },
      },
    },
    renderError: async (ctx, out) => {
      ctx.type = 'html';
      ctx.body = page(
        'Sign-in error',
        `<p role="alert">${escape(String(out.error_description ?? out.error))}</p>`,
      );
    },
  });
  provider.on('server_error', (_ctx, error) => console.error('oidc stand-in:', error));

  const callback = provider.callback();
  const interaction = /^\/interaction\/([^/]+)(\/login)?$/;

  async function handleInteraction(req: IncomingMessage, res: ServerResponse, uid: string, submit: boolean) {
    const details = await provider.interactionDetails(req, res);
    if (details.uid !== uid) throw new Error('interaction mismatch');
    if (details.prompt.name === 'consent') {
      // First-party clients: whatever the provider still wants consented is granted, unasked.
      const missing = details.prompt.details as {
        missingOIDCScope?: string[];
        missingOIDCClaims?: string[];
        missingResourceScopes?: Record<string, string[]>;
      };
      const grant = details.grantId
        ? (await provider.Grant.find(details.grantId))!
        : new provider.Grant({
            accountId: details.session!.accountId,
            clientId: details.params.client_id as string,
          });
      if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
      if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
      for (const [resource, scopes] of Object.entries(missing.missingResourceScopes ?? {}))
        grant.addResourceScope(resource, scopes.join(' '));
      await provider.interactionFinished(
        req,
        res,
        { consent: { grantId: await grant.save() } },
        { mergeWithLastSubmission: true },
      );
      return;
    }
    if (!submit) {
      res
        .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
        .end(loginPage(`${mount}/interaction/${uid}/login`));
      return;
    }
    const form = await readForm(req);
    const user = users.get(form.get('username') ?? '');
    if (!user || user.password !== form.get('password')) {
      res
        .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
        .end(loginPage(`${mount}/interaction/${uid}/login`, 'Incorrect username or password.'));
      return;
    }
    await provider.interactionFinished(
      req,
      res,
      { login: { accountId: user.sub } },
      { mergeWithLastSubmission: false },
    );
  }

  server.on('request', (req: IncomingMessage & { originalUrl?: string }, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', origin);
    if (url.pathname === '/favicon.ico') {
      res.writeHead(204).end();
      return;
    }
    // Cognito's managed login sign-out: /logout?client_id=…&logout_uri=… → end the session, back to logout_uri.
    if (url.pathname === '/logout' && mount) {
      const target = new URL(`${issuer}/session/end`);
      target.searchParams.set('client_id', url.searchParams.get('client_id') ?? '');
      const back = url.searchParams.get('logout_uri');
      if (back) target.searchParams.set('post_logout_redirect_uri', back);
      res.writeHead(302, { location: target.href }).end();
      return;
    }
    if (mount && !url.pathname.startsWith(mount)) {
      res.writeHead(404).end();
      return;
    }
    // Mounted under the issuer's path: the provider sees the rest, and the full URL as originalUrl.
    req.originalUrl = req.url;
    req.url = (req.url ?? '/').slice(mount.length) || '/';
    const match = interaction.exec(new URL(req.url, issuer).pathname);
    if (match) {
      handleInteraction(req, res, match[1]!, req.method === 'POST' && Boolean(match[2])).catch(() => {
        if (!res.headersSent)
          res
            .writeHead(400, { 'content-type': 'text/html; charset=utf-8' })
            .end(page('Sign-in error', '<p role="alert">This sign-in has expired; start again.</p>'));
      });
      return;
    }
    void callback(req, res);
  });

  return {
    origin,
    issuer,
    jwksUrl: `${issuer}/.well-known/jwks.json`,
    addUser,
    subjectOf: (username) => users.get(username)?.sub,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
