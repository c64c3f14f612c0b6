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

/**
 * The token's signature proves who the caller is; their roles, department and status are taken
 * from the org projection when it has them, so that a role removed, a move to another department
 * or a disabled account counts from the request after identity's event arrives, not only when the
 * token expires. A user the projection does not know yet (just created) keeps the token's claims.
 */
export function currentCallerVerifier(verify: TokenVerifier, db: { query(sql: string, params: unknown[]): Promise<unknown[]> }): TokenVerifier {
  return async (token) => {
    const caller = await verify(token);
    const [user] = (await db.query('SELECT status, department_id, role_codes FROM org_users WHERE id = $1 AND tenant_id = $2', [
      caller.userId,
      caller.tenantId,
    ])) as { status: string; department_id: string; role_codes: string[] }[];
    if (!user) return caller;
    if (user.status !== 'active') throw unauthenticated('AUTH.USER_DISABLED', 'This user is disabled.');
    return { ...caller, departmentId: user.department_id, roleCodes: user.role_codes };
  };
}
