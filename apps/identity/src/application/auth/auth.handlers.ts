import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { unauthenticated } from '@crm/kernel';
import { decideRefresh } from '../../domain/refresh-token';
import { DUMMY_PASSWORD_HASH, verifyPassword } from '../../infrastructure/password-hasher';
import { RefreshTokenEntity } from '../../infrastructure/refresh-token.entity';
import { TenantEntity } from '../../infrastructure/tenant.entity';
import { UserEntity } from '../../infrastructure/user.entity';
import { TokenIssuer, TokenPair, hashRefreshToken } from './token-issuer';

const invalidCredentials = () => unauthenticated('AUTH.INVALID_CREDENTIALS', 'The organisation, username or password is wrong.');
const invalidRefreshToken = () => unauthenticated('AUTH.REFRESH_TOKEN_INVALID', 'The refresh token is not valid; sign in again.');

async function revokeFamily(m: EntityManager, tenantId: string, familyId: string): Promise<void> {
  await m.query('UPDATE refresh_tokens SET revoked_at = now() WHERE tenant_id = $1 AND family_id = $2 AND revoked_at IS NULL', [tenantId, familyId]);
}

@Injectable()
export class LoginHandler {
  constructor(
    private readonly dataSource: DataSource,
    private readonly tokens: TokenIssuer,
  ) {}

  /** One answer for every failure, and a password check even when there is no such user, so neither tells which part was wrong. */
  async execute(input: { tenant: string; username: string; password: string }): Promise<TokenPair> {
    const tenant = await this.dataSource.getRepository(TenantEntity).findOneBy({ code: input.tenant });
    const user = tenant
      ? await this.dataSource
          .getRepository(UserEntity)
          .createQueryBuilder('u')
          .where('u.tenantId = :tenantId AND lower(u.username) = lower(:username)', { tenantId: tenant.id, username: input.username })
          .getOne()
      : null;
    const passwordOk = await verifyPassword(user?.passwordHash ?? DUMMY_PASSWORD_HASH, input.password);
    if (!tenant || !user || !passwordOk || user.status !== 'active') throw invalidCredentials();
    return this.dataSource.transaction((m) => this.tokens.issue(m, user, tenant));
  }
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
