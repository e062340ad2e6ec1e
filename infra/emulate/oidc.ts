/**
 * Cognito's stand-in: a certified OpenID provider (`oidc-provider`) serving one user pool under its
 * issuer path (`<origin>/<pool id>`, as Cognito's `https://cognito-idp.<region>.amazonaws.com/<pool id>`),
 * with the pool's app clients (public, authorization code + PKCE, refresh tokens), JWKS at Cognito's
 * `/.well-known/jwks.json`, JWT access tokens shaped like Cognito's (`client_id`, `token_use`,
 * `username`), a sign-in page that checks the seeded users' passwords, and the managed login's
 * `/logout?client_id=&logout_uri=` that ends the provider session.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import Provider, { type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import { type Bound, closeServer, listenLocal } from './net.js';

export interface OidcClient {
  clientId: string;
  redirectUris: string[];
  logoutUris: string[];
  scopes: string[];
  accessTokenSeconds: number;
  idTokenSeconds: number;
}

export interface OidcUser {
  username: string;
  password: string;
}

export interface OidcStandIn {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  /** `<origin>/<pool id>` */
  issuer: string;
  /** The `sub` a user's tokens carry (Cognito: a UUID per user). */
  subjectOf(username: string): string;
  close(): Promise<void>;
}

/** A stable UUID-shaped subject per user name, like Cognito's `sub`. */
export function subjectFor(poolId: string, username: string): string {
  const hex = createHash('sha256').update(`${poolId}/${username}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function loginPage(action: string, error?: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign in</title></head>
<body><main><h1>Sign in</h1>
${error ? `<p role="alert">${escape(error)}</p>` : ''}
<form method="post" action="${escape(action)}">
<label>Username <input name="username" autocomplete="username" required></label>
<label>Password <input name="password" type="password" autocomplete="current-password" required></label>
<button type="submit">Sign in</button>
</form></main></body></html>`;
}

async function formBody(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

export async function startOidcStandIn(options: {
  poolId: string;
  clients: OidcClient[];
  users: OidcUser[];
  /** A server already listening (its URL is in the template's resolved values); a new one when absent. */
  bound?: Bound;
}): Promise<OidcStandIn> {
  const { server, url: origin } = options.bound ?? (await listenLocal());
  const base = `/${options.poolId}`;
  const issuer = `${origin}${base}`;
  const users = new Map(options.users.map((u) => [u.username, u]));
  const subjects = new Map(options.users.map((u) => [subjectFor(options.poolId, u.username), u.username]));
  const clients = new Map(options.clients.map((c) => [c.clientId, c]));
  const resource = 'urn:pharos:emulated-api';
  const firstClient = (ctx: KoaContextWithOIDC) => clients.get(ctx.oidc.client?.clientId ?? '');

  const configuration: Configuration = {
    clients: options.clients.map((c) => ({
      client_id: c.clientId,
      token_endpoint_auth_method: 'none',
      redirect_uris: c.redirectUris,
      post_logout_redirect_uris: c.logoutUris,
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
    })),
    cookies: { keys: [randomBytes(32).toString('hex')] },
    routes: { jwks: '/.well-known/jwks.json' },
    scopes: ['openid', 'email', 'profile', 'phone', 'aws.cognito.signin.user.admin', 'offline_access'],
    claims: { openid: ['sub', 'cognito:username'], email: ['email', 'email_verified'], profile: ['name'] },
    findAccount: async (_ctx, sub) => {
      const username = subjects.get(sub);
      if (!username) return undefined;
      return {
        accountId: sub,
        claims: async () => ({ sub, 'cognito:username': username, name: username }),
      };
    },
    interactions: { url: (_ctx, interaction) => `${base}/interaction/${interaction.uid}` },
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: {
        enabled: true,
        // Cognito's /logout asks nothing: sign out at once.
        logoutSource: async (ctx, form) => {
          ctx.body = `<!doctype html><html><body>${form}<script>document.forms[0].submit()</script></body></html>`;
        },
      },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => resource,
        useGrantedResource: () => true,
        getResourceServerInfo: (ctx) => ({
          scope: firstClient(ctx)?.scopes.join(' ') ?? 'openid',
          audience: ctx.oidc.client?.clientId ?? '',
          accessTokenFormat: 'jwt',
          accessTokenTTL: firstClient(ctx)?.accessTokenSeconds ?? 3600,
        }),
      },
    },
    clientBasedCORS: (_ctx, requestOrigin, client) =>
      client.redirectUris?.some((uri) => new URL(uri).origin === requestOrigin) ?? false,
    pkce: { required: () => true },
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    extraTokenClaims: async (_ctx, token) =>
      token.kind === 'AccessToken'
        ? {
            client_id: (token as unknown as { clientId: string }).clientId,
            token_use: 'access',
            username: subjects.get(String((token as unknown as { accountId: string }).accountId)),
          }
        : undefined,
    ttl: {
      IdToken: (ctx) => firstClient(ctx)?.idTokenSeconds ?? 3600,
      AccessToken: (ctx) => firstClient(ctx)?.accessTokenSeconds ?? 3600,
      RefreshToken: 30 * 24 * 3600,
      Session: 24 * 3600,
      Interaction: 3600,
      Grant: 30 * 24 * 3600,
    },
    // First-party clients: no consent screen, the grant is whatever the client asked for.
    loadExistingGrant: async (ctx) => {
      const { oidc } = ctx;
      const grantId = oidc.result?.consent?.grantId ?? oidc.session?.grantIdFor(oidc.client!.clientId);
      if (grantId) {
        const found = await oidc.provider.Grant.find(grantId);
        if (found) return found;
      }
      const grant = new oidc.provider.Grant({
        clientId: oidc.client!.clientId,
        accountId: oidc.session!.accountId,
      });
      const scope = String(oidc.params?.scope ?? 'openid');
      grant.addOIDCScope(scope);
      grant.addResourceScope(resource, scope);
      await grant.save();
      return grant;
    },
  };
  const provider = new Provider(issuer, configuration);
  provider.proxy = false;
  const callback = provider.callback();

  server.on('request', async (req: IncomingMessage & { originalUrl?: string }, res: ServerResponse) => {
    try {
      const url = new URL(req.url ?? '/', origin);
      // The managed login's sign-out: /logout?client_id=…&logout_uri=… → end the session, back to logout_uri.
      if (url.pathname === '/logout') {
        const target = new URL(`${issuer}/session/end`);
        target.searchParams.set('client_id', url.searchParams.get('client_id') ?? '');
        const back = url.searchParams.get('logout_uri');
        if (back) target.searchParams.set('post_logout_redirect_uri', back);
        res.writeHead(302, { location: target.href });
        return res.end();
      }
      if (!url.pathname.startsWith(base)) {
        res.writeHead(404, { 'content-type': 'text/plain' });
        return res.end('not found');
      }
      const interaction = /^\/interaction\/([^/]+)(\/login)?$/.exec(url.pathname.slice(base.length));
      if (interaction) {
        const details = await provider.interactionDetails(req, res);
        const action = `${base}/interaction/${details.uid}/login`;
        if (req.method === 'POST' && interaction[2]) {
          const form = await formBody(req);
          const user = users.get(form.get('username') ?? '');
          if (!user || user.password !== form.get('password')) {
            res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
            return res.end(loginPage(action, 'Incorrect username or password.'));
          }
          return provider.interactionFinished(
            req,
            res,
            { login: { accountId: subjectFor(options.poolId, user.username) } },
            { mergeWithLastSubmission: false },
          );
        }
        if (details.prompt.name === 'login') {
          res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
          return res.end(loginPage(action));
        }
        // Consent: first-party clients are granted what they asked for (see loadExistingGrant).
        return provider.interactionFinished(req, res, {}, { mergeWithLastSubmission: true });
      }
      req.originalUrl = req.url;
      req.url = req.url!.slice(base.length) || '/';
      return callback(req, res);
    } catch (error) {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`sign-in failed: ${(error as Error).message}`);
    }
  });

  return {
    origin,
    issuer,
    subjectOf: (username) => subjectFor(options.poolId, username),
    close: () => closeServer(server),
  };
}
