import { createHash, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { SignJWT } from 'jose';
import { TOKEN_AUDIENCE, TOKEN_ISSUER } from '@crm/access';
import { newId } from '@crm/kernel';
import { IdentityConfig } from '../../config';
import { refreshExpiry } from '../../domain/refresh-token';
import { RefreshTokenEntity } from '../../infrastructure/refresh-token.entity';
import { SigningKeyStore } from '../../infrastructure/signing-key.store';
import { TenantEntity } from '../../infrastructure/tenant.entity';
import { UserEntity } from '../../infrastructure/user.entity';
import { roleCodesOf } from '../event-data';

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  tokenType: 'Bearer';
  /** Seconds the access token is valid for. */
  expiresIn: number;
}

/** Refresh tokens are kept only as their sha256: a leaked table holds no usable token. */
export const hashRefreshToken = (token: string) => createHash('sha256').update(token).digest('hex');

/** Signs access tokens (claims as libs/access expects them) and stores new refresh tokens. */
@Injectable()
export class TokenIssuer {
  constructor(
    private readonly keys: SigningKeyStore,
    private readonly config: IdentityConfig,
  ) {}

  /** A new pair for the user; `familyId` continues a rotated login, none starts a new one. */
  async issue(m: EntityManager, user: UserEntity, tenant: TenantEntity, familyId: string = newId()): Promise<TokenPair> {
    const roles = await roleCodesOf(m, user.tenantId, user.id);
    const ttl = this.config.ACCESS_TOKEN_TTL_SECONDS;
    const accessToken = await new SignJWT({ tid: tenant.id, tcode: tenant.code, username: user.username, name: user.name, dept: user.departmentId, roles })
      .setProtectedHeader({ alg: 'RS256', kid: this.keys.kid, typ: 'JWT' })
      .setIssuer(TOKEN_ISSUER)
      .setAudience(TOKEN_AUDIENCE)
      .setSubject(user.id)
      .setJti(newId())
      .setIssuedAt()
      .setExpirationTime(`${ttl}s`)
      .sign(this.keys.signingKey);
    const refreshToken = randomBytes(32).toString('base64url');
    await m.getRepository(RefreshTokenEntity).insert({
      id: newId(),
      tenantId: user.tenantId,
      userId: user.id,
      familyId,
      tokenHash: hashRefreshToken(refreshToken),
      expiresAt: refreshExpiry(new Date(), this.config.REFRESH_TOKEN_TTL_SECONDS),
      rotatedAt: null,
      revokedAt: null,
    });
    return { accessToken, refreshToken, tokenType: 'Bearer', expiresIn: ttl };
  }
}
