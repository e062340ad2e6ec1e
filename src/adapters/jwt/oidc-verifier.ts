/** PHAROS_AUTH=oidc: verify tokens from Cognito or any OIDC issuer against its published JWKS. */
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { describeJoseError } from './local-issuer.js';
import type { AuthenticatedUser, TokenVerifier } from '../../core/ports/index.js';
import { InvalidTokenError } from '../../core/errors.js';

export interface OidcOptions {
  issuer: string;
  audience?: string;
  jwksUrl?: string;
}

/** The longest token lifetime accepted from an identity provider (Cognito allows up to a day). */
export const MAX_OIDC_TOKEN_SECONDS = 24 * 3600;

export class OidcTokenVerifier implements TokenVerifier {
  private readonly jwks: ReturnType<typeof createRemoteJWKSet>;

  constructor(private readonly options: OidcOptions) {
    const jwksUrl = options.jwksUrl ?? `${options.issuer.replace(/\/$/, '')}/.well-known/jwks.json`;
    this.jwks = createRemoteJWKSet(new URL(jwksUrl));
  }

  async verify(token: string): Promise<AuthenticatedUser> {
    try {
      const { payload } = await jwtVerify(token, this.jwks, {
        issuer: this.options.issuer,
        requiredClaims: ['exp', 'sub'],
      });
      const issuedAt = payload.iat ?? Math.floor(Date.now() / 1000);
      if (payload.exp! - issuedAt > MAX_OIDC_TOKEN_SECONDS)
        throw new InvalidTokenError('token lifetime is longer than this server allows (24 h)');
      // Cognito access tokens carry client_id instead of aud; ID tokens carry aud.
      if (this.options.audience) {
        const audiences = [payload.aud, payload.client_id]
          .flat()
          .filter((a): a is string => typeof a === 'string');
        if (!audiences.includes(this.options.audience))
          throw new InvalidTokenError('token audience is not accepted');
      }
      if (!payload.sub) throw new InvalidTokenError('token has no subject');
      return { userId: payload.sub };
    } catch (error) {
      throw new InvalidTokenError(describeJoseError(error));
    }
  }
}
