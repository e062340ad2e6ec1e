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

export class OidcTokenVerifier implements TokenVerifier {
  private readonly jwks: ReturnType<typeof createRemoteJWKSet>;

  constructor(private readonly options: OidcOptions) {
    const jwksUrl = options.jwksUrl ?? `${options.issuer.replace(/\/$/, '')}/.well-known/jwks.json`;
    this.jwks = createRemoteJWKSet(new URL(jwksUrl));
  }

  async verify(token: string): Promise<AuthenticatedUser> {
    try {
      const { payload } = await jwtVerify(token, this.jwks, { issuer: this.options.issuer });
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
