/**
 * PHAROS_AUTH=local: Pharos issues its own ES256 JWTs. The signing key lives in the data directory
 * (0600), the public half is served as a JWKS, and passwords are hashed with scrypt.
 */
import { randomBytes, scrypt as scryptCallback, timingSafeEqual } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { SignJWT, exportJWK, generateKeyPair, importJWK, jwtVerify, errors, type JWK } from 'jose';
import type {
  AuthenticatedUser,
  PasswordHasher,
  TokenIssuer,
  TokenVerifier,
} from '../../core/ports/index.js';
import { InvalidTokenError } from '../../core/errors.js';

const scrypt = promisify(scryptCallback) as (
  password: string,
  salt: Buffer,
  keylen: number,
) => Promise<Buffer>;
const ISSUER = 'pharos-local';
const AUDIENCE = 'pharos';

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scrypt(password, salt, 64);
  return `scrypt$${salt.toString('base64')}$${hash.toString('base64')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const actual = await scrypt(password, Buffer.from(salt, 'base64'), expected.length);
  return timingSafeEqual(actual, expected);
}

export const scryptHasher: PasswordHasher = { hash: hashPassword, verify: verifyPassword };

/** Clock skew allowed between the issuer's `iat` and `exp` and the configured lifetime. */
const LIFETIME_SLACK_SECONDS = 60;

export class LocalTokenIssuer implements TokenVerifier, TokenIssuer {
  private constructor(
    private readonly privateKey: CryptoKey,
    private readonly publicKey: CryptoKey,
    readonly publicJwk: JWK,
    private readonly ttlSeconds: number,
  ) {}

  /** Loads the signing key from `keyDir`, creating it on first start. */
  static async open(keyDir: string, ttlSeconds = 12 * 3600): Promise<LocalTokenIssuer> {
    const file = path.join(keyDir, 'signing-key.jwk.json');
    let privateJwk: JWK;
    try {
      privateJwk = JSON.parse(await readFile(file, 'utf8')) as JWK;
    } catch {
      const { privateKey } = await generateKeyPair('ES256', { extractable: true });
      privateJwk = {
        ...(await exportJWK(privateKey)),
        kid: randomBytes(8).toString('hex'),
        alg: 'ES256',
        use: 'sig',
      };
      await mkdir(keyDir, { recursive: true, mode: 0o700 });
      await writeFile(file, JSON.stringify(privateJwk), { mode: 0o600 });
      await chmod(file, 0o600);
    }
    const { d: _private, ...publicJwk } = privateJwk;
    const privateKey = (await importJWK(privateJwk, 'ES256')) as CryptoKey;
    const publicKey = (await importJWK(publicJwk, 'ES256')) as CryptoKey;
    return new LocalTokenIssuer(privateKey, publicKey, publicJwk, ttlSeconds);
  }

  jwks(): { keys: JWK[] } {
    return { keys: [this.publicJwk] };
  }

  async issue(userId: string, ttlSeconds = this.ttlSeconds): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({})
      .setProtectedHeader({ alg: 'ES256', kid: this.publicJwk.kid })
      .setSubject(userId)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt(now)
      .setExpirationTime(now + ttlSeconds)
      .sign(this.privateKey);
  }

  async verify(token: string): Promise<AuthenticatedUser> {
    try {
      const { payload } = await jwtVerify(token, this.publicKey, {
        issuer: ISSUER,
        audience: AUDIENCE,
        algorithms: ['ES256'],
        requiredClaims: ['exp', 'iat', 'sub'],
      });
      // A token living longer than Pharos issues them (however it was signed) is not accepted.
      if (payload.exp! - payload.iat! > this.ttlSeconds + LIFETIME_SLACK_SECONDS)
        throw new InvalidTokenError('token lifetime is longer than this server allows');
      return { userId: payload.sub! };
    } catch (error) {
      throw new InvalidTokenError(describeJoseError(error));
    }
  }
}

export function describeJoseError(error: unknown): string {
  if (error instanceof InvalidTokenError) return error.message;
  if (error instanceof errors.JWTExpired) return 'token has expired';
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'token signature is invalid';
  if (error instanceof errors.JWTClaimValidationFailed)
    return error.reason === 'missing'
      ? `token has no "${error.claim}" claim`
      : `token claim "${error.claim}" is invalid`;
  return 'token is malformed or not accepted';
}
