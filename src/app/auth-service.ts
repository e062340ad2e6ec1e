/** Local accounts: register and log in, issuing Pharos' own tokens (PHAROS_AUTH=local only). */
import { AppError } from '../core/errors.js';
import type { LocalTokenIssuer } from '../adapters/jwt/local-issuer.js';
import { hashPassword, verifyPassword } from '../adapters/jwt/local-issuer.js';
import type { PostgresUserRepository } from '../adapters/postgres/users-repository.js';

// Verifying against a real hash even for unknown users keeps login timing from revealing usernames.
const DUMMY_HASH = hashPassword('not-a-real-password');

export class LocalAuthService {
  constructor(
    private readonly users: PostgresUserRepository,
    private readonly issuer: LocalTokenIssuer,
  ) {}

  async register(username: string, password: string): Promise<{ user_id: string; token: string }> {
    const user = await this.users.create({
      id: crypto.randomUUID(),
      username: username.toLowerCase(),
      password_hash: await hashPassword(password),
    });
    if (!user) throw new AppError(409, 'username_taken', 'that username is already registered');
    return { user_id: user.id, token: await this.issuer.issue(user.id) };
  }

  async login(username: string, password: string): Promise<{ user_id: string; token: string }> {
    const user = await this.users.findByUsername(username.toLowerCase());
    const ok = await verifyPassword(password, user?.password_hash ?? (await DUMMY_HASH));
    if (!user || !ok) throw new AppError(401, 'invalid_credentials', 'username or password is wrong');
    return { user_id: user.id, token: await this.issuer.issue(user.id) };
  }
}
