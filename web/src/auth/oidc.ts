/**
 * Sign-in with OpenID Connect (authorization code + PKCE) through `oidc-client-ts`: the redirect to
 * the provider and back, silent renewal before the token expires (refresh token, else a hidden
 * iframe), and a sign-out that ends the provider's session too. Cognito has no
 * `end_session_endpoint`; its /logout URL comes from the configuration (`logoutUrl`) instead.
 */
import { type User, UserManager, WebStorageStateStore } from 'oidc-client-ts';
import type { Session } from '../api/types';
import type { WebConfig } from '../config';

export type OidcAuth = Extract<WebConfig['auth'], { mode: 'oidc' }>;

/** The page itself is the redirect target: the callback is recognised by its query string. */
const returnUrl = () => `${window.location.origin}/`;

export function createUserManager(auth: OidcAuth): UserManager {
  return new UserManager({
    authority: auth.authority,
    client_id: auth.clientId,
    scope: auth.scope,
    redirect_uri: returnUrl(),
    silent_redirect_uri: returnUrl(),
    post_logout_redirect_uri: returnUrl(),
    response_type: 'code',
    automaticSilentRenew: true,
    // Kept in this tab only: it survives a reload, not the closing of the tab.
    userStore: new WebStorageStateStore({ store: window.sessionStorage }),
    ...(auth.logoutUrl ? { metadataSeed: { end_session_endpoint: auth.logoutUrl } } : {}),
  });
}

let callback: Promise<User | undefined> | null = null;
/** The provider's answer is processed once per page load (its code can be redeemed only once). */
export function completeSignIn(manager: UserManager): Promise<User | undefined> {
  callback ??= manager.signinCallback();
  return callback;
}

/** Whether this page load is the provider sending the browser back (`?code=…&state=…` or an error). */
export function isCallback(location: Location = window.location): boolean {
  const params = new URLSearchParams(location.search);
  return params.has('state') && (params.has('code') || params.has('error'));
}

const isJwt = (token: string | undefined): token is string => !!token && token.split('.').length === 3;

/**
 * The bearer token for the API: the access token when it is a JWT (Cognito's is, with `client_id`),
 * else the ID token (providers with opaque access tokens); both name this client, which the API checks.
 */
export function bearerOf(user: User): string {
  return isJwt(user.access_token) ? user.access_token : (user.id_token ?? user.access_token);
}

export function sessionOf(user: User): Session {
  const profile = user.profile as Record<string, unknown>;
  const name = ['preferred_username', 'cognito:username', 'email', 'name']
    .map((claim) => profile[claim])
    .find((value): value is string => typeof value === 'string' && value !== '');
  return { user_id: user.profile.sub, username: name ?? user.profile.sub, token: bearerOf(user) };
}

/** Cognito's /logout wants the client id and where to go back to, in its own parameter names. */
export function signOutParams(auth: OidcAuth): Record<string, string> | undefined {
  return auth.logoutUrl ? { client_id: auth.clientId, logout_uri: returnUrl() } : undefined;
}
