/** The auth port: whatever issues tokens, the API only needs to know whose request it is. */
export interface AuthenticatedUser {
  userId: string;
}

export interface TokenVerifier {
  verify(token: string): Promise<AuthenticatedUser>;
}

/** A local account (PHAROS_AUTH=local); with OIDC, accounts live in the identity provider. */
export interface UserRecord {
  id: string;
  username: string;
  password_hash: string;
}

export interface UserRepository {
  /** Null when the username is taken. */
  create(user: UserRecord): Promise<UserRecord | null>;
  findByUsername(username: string): Promise<UserRecord | null>;
  exists(id: string): Promise<boolean>;
  /** False when there was no such user. */
  delete(id: string): Promise<boolean>;
}

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(password: string, stored: string): Promise<boolean>;
}

export interface TokenIssuer {
  issue(userId: string): Promise<string>;
}
