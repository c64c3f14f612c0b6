/**
 * Refresh-token rotation: every refresh token is used once. Using it hands out a successor in the
 * same family; presenting an already rotated token again means it leaked, so the whole family
 * (every session descended from that login) is revoked.
 */
export interface RefreshTokenState {
  expiresAt: Date;
  /** Set when the token was exchanged for a successor. */
  rotatedAt: Date | null;
  /** Set when the token was logged out or its family revoked. */
  revokedAt: Date | null;
}

export type RefreshDecision = 'rotate' | 'reuse-detected' | 'revoked' | 'expired';

export function decideRefresh(token: RefreshTokenState, now: Date): RefreshDecision {
  if (token.rotatedAt) return 'reuse-detected';
  if (token.revokedAt) return 'revoked';
  if (token.expiresAt.getTime() <= now.getTime()) return 'expired';
  return 'rotate';
}

export function refreshExpiry(now: Date, ttlSeconds: number): Date {
  return new Date(now.getTime() + ttlSeconds * 1000);
}
