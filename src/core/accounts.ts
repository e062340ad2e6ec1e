/**
 * Accounts: register, log in (throttled against guessing), check that a token's user still exists, and
 * delete an account with everything it owns. Local accounts only hold a username and a password hash;
 * with OIDC the identity provider owns the account and only the photos are Pharos'.
 */
import { AppError, InvalidTokenError, TooManyAttemptsError } from './errors.js';
import type { ImageService } from './image-service.js';
import { AttemptThrottle, type ThrottleRule } from './attempt-throttle.js';
import type {
  AuthenticatedUser,
  Clock,
  PasswordHasher,
  TokenIssuer,
  TokenVerifier,
  UserRepository,
} from './ports/index.js';

export interface AccountLimits {
  /** Failures per username before the exponential lockout starts. */
  perUsername: number;
  /** Failures per client address (many usernames from one place) before it starts. */
  perAddress: number;
  firstLockSeconds: number;
  maxLockSeconds: number;
}

export const DEFAULT_ACCOUNT_LIMITS: AccountLimits = {
  perUsername: 5,
  perAddress: 20,
  firstLockSeconds: 1,
  maxLockSeconds: 900,
};

/** How long "this user exists" is believed without asking the database again. */
const KNOWN_USER_MS = 60_000;

export interface AccountServiceDependencies {
  /** Null with OIDC: no local accounts, tokens name the identity provider's users. */
  users: UserRepository | null;
  hasher: PasswordHasher;
  issuer: TokenIssuer | null;
  images: ImageService;
  clock: Pick<Clock, 'now'>;
  limits?: AccountLimits;
}

type Session = { user_id: string; token: string };

export class AccountService {
  private readonly byUsername: AttemptThrottle;
  private readonly byAddress: AttemptThrottle;
  private readonly known = new Map<string, number>();
  private readonly deletedListeners: ((userId: string) => void)[] = [];
  private dummyHash: Promise<string> | null = null;

  constructor(private readonly deps: AccountServiceDependencies) {
    const limits = deps.limits ?? DEFAULT_ACCOUNT_LIMITS;
    const rule = (freeFailures: number): ThrottleRule => ({
      freeFailures,
      firstLockSeconds: limits.firstLockSeconds,
      maxLockSeconds: limits.maxLockSeconds,
      forgetAfterSeconds: Math.max(3600, limits.maxLockSeconds),
    });
    this.byUsername = new AttemptThrottle(deps.clock, rule(limits.perUsername));
    this.byAddress = new AttemptThrottle(deps.clock, rule(limits.perAddress));
  }

  get localAccounts(): boolean {
    return this.deps.users !== null;
  }

  async register(username: string, password: string, address: string): Promise<Session> {
    const { users, issuer } = this.local();
    const name = username.toLowerCase();
    this.refuseIfLocked(name, address);
    const user = await users.create({
      id: crypto.randomUUID(),
      username: name,
      password_hash: await this.deps.hasher.hash(password),
    });
    if (!user) {
      this.failed(name, address); // probing for taken usernames is guessing too
      throw new AppError(409, 'username_taken', 'that username is already registered');
    }
    return { user_id: user.id, token: await issuer.issue(user.id) };
  }

  async login(username: string, password: string, address: string): Promise<Session> {
    const { users, issuer } = this.local();
    const name = username.toLowerCase();
    this.refuseIfLocked(name, address);
    const user = await users.findByUsername(name);
    // Verifying against a real hash even for unknown users keeps login timing from revealing usernames.
    this.dummyHash ??= this.deps.hasher.hash('not-a-real-password');
    const ok = await this.deps.hasher.verify(password, user?.password_hash ?? (await this.dummyHash));
    if (!user || !ok) {
      this.failed(name, address);
      throw new AppError(401, 'invalid_credentials', 'username or password is wrong');
    }
    this.byUsername.succeed(`user:${name}`);
    return { user_id: user.id, token: await issuer.issue(user.id) };
  }

  /** A verifier that also refuses tokens of users who no longer exist (deleted, or another database). */
  verifierFor(tokens: TokenVerifier): TokenVerifier {
    return {
      verify: async (token: string): Promise<AuthenticatedUser> => {
        const user = await tokens.verify(token);
        if (!(await this.exists(user.userId))) throw new InvalidTokenError('the account no longer exists');
        return user;
      },
    };
  }

  /** Deletes the caller's photos (objects, executions, status) and, for a local account, the account. */
  async deleteAccount(userId: string): Promise<{ photos: number }> {
    let photos = await this.deps.images.deleteAll(userId);
    if (this.deps.users) await this.deps.users.delete(userId);
    this.known.delete(userId);
    // An upload that raced the deletion is swept too: the account is gone, its tokens refused from now.
    photos += await this.deps.images.deleteAll(userId);
    for (const listener of this.deletedListeners) listener(userId);
    return { photos };
  }

  /** Called after an account is deleted (to close its live connections). */
  onDeleted(listener: (userId: string) => void): void {
    this.deletedListeners.push(listener);
  }

  private async exists(userId: string): Promise<boolean> {
    const { users } = this.deps;
    if (!users) return true; // OIDC: the identity provider vouches for its users
    const now = this.deps.clock.now().getTime();
    if ((this.known.get(userId) ?? 0) > now) return true;
    if (!(await users.exists(userId))) return false;
    if (this.known.size > 100_000) this.known.clear();
    this.known.set(userId, now + KNOWN_USER_MS);
    return true;
  }

  private local(): { users: UserRepository; issuer: TokenIssuer } {
    const { users, issuer } = this.deps;
    if (!users || !issuer) {
      throw new AppError(
        404,
        'local_auth_disabled',
        'local accounts are disabled (PHAROS_AUTH=oidc): sign in with your identity provider',
      );
    }
    return { users, issuer };
  }

  private refuseIfLocked(username: string, address: string): void {
    const forUser = this.byUsername.retryAfter(`user:${username}`);
    const forAddress = this.byAddress.retryAfter(`addr:${address}`);
    const wait = Math.max(forUser, forAddress);
    if (wait === 0) return;
    throw new TooManyAttemptsError(
      wait,
      `too many failed attempts ${forUser >= forAddress ? 'for this username' : 'from your address'}; try again in ${wait} s`,
    );
  }

  private failed(username: string, address: string): void {
    this.byUsername.fail(`user:${username}`);
    this.byAddress.fail(`addr:${address}`);
  }
}
