/**
 * Who may call the API: local accounts with Pharos' own tokens (default), or any OpenID provider's
 * users. Either way tokens go through the account service, which refuses users that no longer exist.
 */
import path from 'node:path';
import { LocalTokenIssuer, scryptHasher } from '../adapters/jwt/local-issuer.js';
import { OidcTokenVerifier } from '../adapters/jwt/oidc-verifier.js';
import type { Db } from '../adapters/postgres/db.js';
import { PostgresUserRepository } from '../adapters/postgres/users-repository.js';
import { AccountService } from '../core/accounts.js';
import type { ImageService } from '../core/image-service.js';
import type { Clock, TokenVerifier } from '../core/ports/index.js';
import type { Config } from './config.js';

export interface Auth {
  verifier: TokenVerifier;
  accounts: AccountService;
  /** The public keys of Pharos' own tokens (served as JWKS); null with OIDC. */
  jwks: (() => object) | null;
}

export async function selectAuth(
  config: Config,
  deps: { db: Db; photos: ImageService; clock: Pick<Clock, 'now'> },
): Promise<Auth> {
  const issuer =
    config.PHAROS_AUTH === 'local'
      ? await LocalTokenIssuer.open(path.join(config.dataDir, 'keys'), config.PHAROS_TOKEN_TTL_SECONDS)
      : null;
  const tokens: TokenVerifier =
    issuer ??
    new OidcTokenVerifier({
      issuer: config.OIDC_ISSUER!,
      // The browser's client id is the audience unless told otherwise.
      audience: config.OIDC_AUDIENCE ?? config.OIDC_CLIENT_ID,
      jwksUrl: config.OIDC_JWKS_URL,
    });
  // With OIDC, accounts live at the provider: DELETE /me removes the photos there.
  const accounts = new AccountService({
    users: issuer ? new PostgresUserRepository(deps.db) : null,
    hasher: scryptHasher,
    issuer,
    images: deps.photos,
    clock: deps.clock,
    limits: {
      perUsername: config.PHAROS_LOGIN_FAILURES_PER_USERNAME,
      perAddress: config.PHAROS_LOGIN_FAILURES_PER_ADDRESS,
      firstLockSeconds: config.PHAROS_LOGIN_LOCK_SECONDS,
      maxLockSeconds: 900,
    },
  });
  return { verifier: accounts.verifierFor(tokens), accounts, jwks: issuer ? () => issuer.jwks() : null };
}
