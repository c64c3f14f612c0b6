import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { newId, unauthenticated } from '@crm/kernel';
import { IdentityConfig } from '../../config';
import { decideRefresh } from '../../domain/refresh-token';
import { ClientType, LoginFailureReason, LoginLogEntity } from '../../infrastructure/login-log.entity';
import { DUMMY_PASSWORD_HASH, verifyPassword } from '../../infrastructure/password-hasher';
import { RefreshTokenEntity } from '../../infrastructure/refresh-token.entity';
import { TenantEntity } from '../../infrastructure/tenant.entity';
import { UserEntity } from '../../infrastructure/user.entity';
import { TokenIssuer, TokenPair, hashRefreshToken } from './token-issuer';

const invalidCredentials = () => unauthenticated('AUTH.INVALID_CREDENTIALS', 'The organisation, username or password is wrong.');
const invalidRefreshToken = () => unauthenticated('AUTH.REFRESH_TOKEN_INVALID', 'The refresh token is not valid; sign in again.');
const accountLocked = (until: Date) =>
  unauthenticated('AUTH.ACCOUNT_LOCKED', `Too many wrong passwords in a row: the account is locked until ${until.toISOString()}.`);

async function revokeFamily(m: EntityManager, tenantId: string, familyId: string): Promise<void> {
  await m.query('UPDATE refresh_tokens SET revoked_at = now() WHERE tenant_id = $1 AND family_id = $2 AND revoked_at IS NULL', [tenantId, familyId]);
}

/** Where a sign-in comes from, for the login log. */
export interface LoginClient {
  ip: string | null;
  userAgent: string | null;
  clientType: ClientType;
}

type Outcome = { ok: true; pair: TokenPair } | { ok: false; lockedUntil: Date | null };

@Injectable()
export class LoginHandler {
  constructor(
    private readonly dataSource: DataSource,
    private readonly tokens: TokenIssuer,
    private readonly config: IdentityConfig,
  ) {}

  /**
   * One answer for every failure but a lockout, and a password check even when there is no such
   * user, so neither tells which part was wrong. Every attempt on a known organisation is logged;
   * attempts on unknown ones are not (there is no organisation to file them under).
   */
  async execute(input: { tenant: string; username: string; password: string }, client: LoginClient): Promise<TokenPair> {
    const now = new Date();
    const tenant = await this.dataSource.getRepository(TenantEntity).findOneBy({ code: input.tenant });
    const user = tenant
      ? await this.dataSource
          .getRepository(UserEntity)
          .createQueryBuilder('u')
          .where('u.tenantId = :tenantId AND lower(u.username) = lower(:username)', { tenantId: tenant.id, username: input.username })
          .getOne()
      : null;
    if (!tenant || !user) {
      await verifyPassword(DUMMY_PASSWORD_HASH, input.password);
      if (tenant) await this.dataSource.transaction((m) => logAttempt(m, tenant.id, null, input.username, client, now, 'unknown-user'));
      throw invalidCredentials();
    }
    const log = (m: EntityManager, reason: LoginFailureReason | null) => logAttempt(m, tenant.id, user.id, input.username, client, now, reason);
    if (user.lockedUntil && user.lockedUntil > now) {
      // No password check while locked: guessing costs the server nothing during a lockout.
      await this.dataSource.transaction((m) => log(m, 'locked'));
      throw accountLocked(user.lockedUntil);
    }

    const outcome = (await verifyPassword(user.passwordHash, input.password))
      ? await this.dataSource.transaction(async (m): Promise<Outcome> => {
          if (user.status !== 'active') {
            await log(m, 'disabled');
            return { ok: false, lockedUntil: null };
          }
          const lockedUntil = await this.resetFailures(m, user, now);
          if (lockedUntil) {
            await log(m, 'locked'); // a concurrent wrong password locked the account meanwhile
            return { ok: false, lockedUntil };
          }
          await log(m, null);
          return { ok: true, pair: await this.tokens.issue(m, user, tenant) };
        })
      : await this.dataSource.transaction(async (m): Promise<Outcome> => {
          const counted = await this.countFailure(m, user, now);
          await log(m, counted.alreadyLocked ? 'locked' : 'bad-password');
          return { ok: false, lockedUntil: counted.lockedUntil };
        });
    if (outcome.ok) return outcome.pair;
    throw outcome.lockedUntil ? accountLocked(outcome.lockedUntil) : invalidCredentials();
  }

  /**
   * One more wrong password, in a single UPDATE so concurrent attempts each count: the count starts
   * again after a lockout has run out, and reaching the limit locks. No row back: a concurrent
   * attempt locked the user after we read it; that lock stands and this attempt is a locked one.
   */
  private async countFailure(m: EntityManager, user: UserEntity, now: Date): Promise<{ lockedUntil: Date | null; alreadyLocked: boolean }> {
    const lockUntil = new Date(now.getTime() + Math.round(this.config.LOGIN_LOCK_MINUTES * 60_000));
    const [rows]: [{ locked_until: Date | null }[], number] = await m.query(
      `UPDATE users SET
         failed_logins = CASE WHEN locked_until IS NOT NULL THEN 1 ELSE failed_logins + 1 END,
         locked_until = CASE WHEN (CASE WHEN locked_until IS NOT NULL THEN 1 ELSE failed_logins + 1 END) >= $4 THEN $5::timestamptz END
       WHERE tenant_id = $1 AND id = $2 AND (locked_until IS NULL OR locked_until <= $3)
       RETURNING locked_until`,
      [user.tenantId, user.id, now, this.config.LOGIN_MAX_FAILURES, lockUntil],
    );
    if (rows.length) return { lockedUntil: rows[0].locked_until, alreadyLocked: false };
    return { lockedUntil: await this.lockOf(m, user), alreadyLocked: true };
  }

  /** A successful sign-in clears the count; returns the lock instead when one was set meanwhile. */
  private async resetFailures(m: EntityManager, user: UserEntity, now: Date): Promise<Date | null> {
    const [rows]: [unknown[], number] = await m.query(
      `UPDATE users SET failed_logins = 0, locked_until = NULL
        WHERE tenant_id = $1 AND id = $2 AND (locked_until IS NULL OR locked_until <= $3) RETURNING 1`,
      [user.tenantId, user.id, now],
    );
    return rows.length ? null : this.lockOf(m, user);
  }

  private async lockOf(m: EntityManager, user: UserEntity): Promise<Date | null> {
    const rows: { locked_until: Date | null }[] = await m.query('SELECT locked_until FROM users WHERE tenant_id = $1 AND id = $2', [user.tenantId, user.id]);
    return rows[0]?.locked_until ?? null;
  }
}

async function logAttempt(
  m: EntityManager,
  tenantId: string,
  userId: string | null,
  username: string,
  client: LoginClient,
  at: Date,
  failureReason: LoginFailureReason | null,
): Promise<void> {
  await m.getRepository(LoginLogEntity).insert({
    id: newId(),
    tenantId,
    userId,
    username,
    attemptedAt: at,
    ip: client.ip,
    userAgent: client.userAgent,
    clientType: client.clientType,
    success: failureReason === null,
    failureReason,
  });
}

@Injectable()
export class RefreshHandler {
  constructor(
    private readonly dataSource: DataSource,
    private readonly tokens: TokenIssuer,
  ) {}

  async execute(refreshToken: string): Promise<TokenPair> {
    // The family revocation on reuse must commit, so failures are returned, not thrown, inside.
    const result = await this.dataSource.transaction(async (m): Promise<TokenPair | null> => {
      const token = await m
        .getRepository(RefreshTokenEntity)
        .createQueryBuilder('t')
        .setLock('pessimistic_write') // two refreshes with one token: the second sees it rotated
        .where('t.tokenHash = :hash', { hash: hashRefreshToken(refreshToken) })
        .getOne();
      if (!token) return null;
      const decision = decideRefresh(token, new Date());
      if (decision === 'reuse-detected') {
        await revokeFamily(m, token.tenantId, token.familyId);
        return null;
      }
      if (decision !== 'rotate') return null;
      const user = await m.getRepository(UserEntity).findOneBy({ id: token.userId, tenantId: token.tenantId });
      const tenant = await m.getRepository(TenantEntity).findOneBy({ id: token.tenantId });
      if (!user || !tenant || user.status !== 'active') {
        await revokeFamily(m, token.tenantId, token.familyId);
        return null;
      }
      await m.getRepository(RefreshTokenEntity).update({ id: token.id }, { rotatedAt: new Date(), revokedAt: new Date() });
      return this.tokens.issue(m, user, tenant, token.familyId);
    });
    if (!result) throw invalidRefreshToken();
    return result;
  }
}

@Injectable()
export class LogoutHandler {
  constructor(private readonly dataSource: DataSource) {}

  /** Ends the login the token belongs to. Unknown tokens are ignored: logout is idempotent and tells nothing. */
  async execute(refreshToken: string): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      const token = await m.getRepository(RefreshTokenEntity).findOneBy({ tokenHash: hashRefreshToken(refreshToken) });
      if (token) await revokeFamily(m, token.tenantId, token.familyId);
    });
  }
}
