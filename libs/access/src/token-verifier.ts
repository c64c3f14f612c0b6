import { JWTPayload, JWTVerifyGetKey, createRemoteJWKSet, jwtVerify } from 'jose';
import { unauthenticated } from '@crm/kernel';

export const TOKEN_ISSUER = 'crm-identity';
export const TOKEN_AUDIENCE = 'crm';

/** Who is calling: read from a verified access token. */
export interface Caller {
  userId: string;
  tenantId: string;
  tenantCode: string;
  username: string;
  name: string;
  departmentId: string;
  roleCodes: string[];
}

interface AccessClaims extends JWTPayload {
  tid: string;
  tcode: string;
  username: string;
  name: string;
  dept: string;
  roles: string[];
}

export type TokenVerifier = (token: string) => Promise<Caller>;
export const TOKEN_VERIFIER = Symbol('TOKEN_VERIFIER');

/** Verifies RS256 access tokens against a key set (identity's JWKS); `alg: none` and HS* are refused. */
export function createTokenVerifier(keys: JWTVerifyGetKey): TokenVerifier {
  return async (token) => {
    let claims: AccessClaims;
    try {
      ({ payload: claims } = await jwtVerify<AccessClaims>(token, keys, {
        issuer: TOKEN_ISSUER,
        audience: TOKEN_AUDIENCE,
        algorithms: ['RS256'],
        requiredClaims: ['sub', 'exp', 'tid'],
      }));
    } catch (err) {
      const expired = (err as { code?: string }).code === 'ERR_JWT_EXPIRED';
      throw unauthenticated(expired ? 'AUTH.TOKEN_EXPIRED' : 'AUTH.TOKEN_INVALID', expired ? 'The access token has expired.' : 'The access token is not valid.');
    }
    return {
      userId: claims.sub!,
      tenantId: claims.tid,
      tenantCode: claims.tcode,
      username: claims.username,
      name: claims.name,
      departmentId: claims.dept,
      roleCodes: claims.roles ?? [],
    };
  };
}

/** For services other than identity: keys fetched from identity's `/.well-known/jwks.json`, cached. */
export function remoteTokenVerifier(jwksUrl: string): TokenVerifier {
  return createTokenVerifier(createRemoteJWKSet(new URL(jwksUrl), { cooldownDuration: 30_000, timeoutDuration: 5000 }));
}
