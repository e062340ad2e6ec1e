/**
 * `pharos login --oidc`: sign in at the server's OpenID provider (the one its /config.json names),
 * with `openid-client`. The device authorization grant when the provider offers it (sign in on any
 * browser, even another machine's); otherwise the authorization code flow with PKCE and a one-shot
 * loopback redirect on 127.0.0.1 (RFC 8252), as Cognito supports. The refresh token is kept so
 * later commands renew the token by themselves.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as client from 'openid-client';
import type { WebConfig } from '../app/http/api-types.js';
import { CliError, EXIT } from './errors.js';

type OidcAuth = Extract<WebConfig['auth'], { mode: 'oidc' }>;

export interface OidcTokens {
  token: string;
  refreshToken?: string;
  username?: string;
}

const LOGIN_TIMEOUT_MS = 5 * 60_000;

async function configure(auth: OidcAuth): Promise<client.Configuration> {
  const issuer = new URL(auth.authority);
  try {
    // http:// only for a provider on this machine (tests, the emulated deployment).
    const local =
      issuer.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(issuer.hostname);
    return await client.discovery(issuer, auth.clientId, undefined, client.None(), {
      execute: local ? [client.allowInsecureRequests] : [],
    });
  } catch (error) {
    throw new CliError(
      `cannot reach the sign-in provider at ${auth.authority}: ${(error as Error).message}`,
      EXIT.usage,
    );
  }
}

const isJwt = (token: string | undefined): token is string => !!token && token.split('.').length === 3;

/** As the web UI: the JWT access token (Cognito's carries client_id), else the ID token. */
function tokensOf(response: client.TokenEndpointResponse & client.TokenEndpointResponseHelpers): OidcTokens {
  const claims = response.claims() as Record<string, unknown> | undefined;
  const token = isJwt(response.access_token) ? response.access_token : response.id_token;
  if (!token) throw new CliError('the provider answered without a usable token', EXIT.usage);
  const username = ['preferred_username', 'cognito:username', 'email', 'sub']
    .map((claim) => claims?.[claim])
    .find((value): value is string => typeof value === 'string');
  return { token, refreshToken: response.refresh_token, username };
}

async function deviceLogin(config: client.Configuration, auth: OidcAuth, say: (line: string) => void) {
  const device = await client.initiateDeviceAuthorization(config, { scope: auth.scope });
  say(
    `To sign in, open ${device.verification_uri_complete ?? device.verification_uri} and enter the code ${device.user_code} (waiting up to ${Math.round(device.expires_in / 60)} min)…`,
  );
  return tokensOf(await client.pollDeviceAuthorizationGrant(config, device));
}

async function loopbackLogin(
  config: client.Configuration,
  auth: OidcAuth,
  port: number,
  say: (line: string) => void,
): Promise<OidcTokens> {
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  let resolveCallback!: (url: URL) => void;
  const callback = new Promise<URL>((resolve) => (resolveCallback = resolve));
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== '/callback') return void res.writeHead(404).end();
    res
      .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
      .end(
        '<!doctype html><title>Pharos</title><p>Signed in. You can close this tab and go back to the terminal.</p>',
      );
    resolveCallback(new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}${req.url}`));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  }).catch((error: Error) => {
    throw new CliError(
      `cannot listen on 127.0.0.1:${port} for the sign-in redirect: ${error.message}`,
      EXIT.usage,
    );
  });
  try {
    const redirectUri = `http://127.0.0.1:${(server.address() as AddressInfo).port}/callback`;
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope: auth.scope,
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
    });
    say(`To sign in, open ${url.href}`);
    let timer: NodeJS.Timeout | undefined;
    const returned = await Promise.race([
      callback,
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new CliError('no sign-in within 5 minutes', EXIT.usage)),
          LOGIN_TIMEOUT_MS,
        );
      }),
    ]).finally(() => clearTimeout(timer));
    return tokensOf(
      await client.authorizationCodeGrant(config, returned, {
        pkceCodeVerifier: verifier,
        expectedState: state,
      }),
    );
  } finally {
    server.closeAllConnections();
    server.close();
  }
}

export async function oidcLogin(
  auth: OidcAuth,
  options: { callbackPort?: number },
  say: (line: string) => void,
): Promise<OidcTokens> {
  const config = await configure(auth);
  try {
    if (config.serverMetadata().device_authorization_endpoint && options.callbackPort === undefined)
      return await deviceLogin(config, auth, say);
    return await loopbackLogin(config, auth, options.callbackPort ?? 0, say);
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError(`sign-in failed: ${(error as Error).message}`, EXIT.usage);
  }
}

/** A new token from the stored refresh token, or null when the provider refuses it (sign in again). */
export async function refreshOidcToken(auth: OidcAuth, refreshToken: string): Promise<OidcTokens | null> {
  const config = await configure(auth);
  try {
    const tokens = tokensOf(await client.refreshTokenGrant(config, refreshToken));
    return { ...tokens, refreshToken: tokens.refreshToken ?? refreshToken };
  } catch {
    return null;
  }
}
