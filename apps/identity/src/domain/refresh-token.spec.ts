import { decideRefresh, refreshExpiry } from './refresh-token';

describe('refresh token rotation', () => {
  const now = new Date('2025-03-28T08:00:00Z');
  const later = new Date('2025-04-28T08:00:00Z');

  it('rotates a live token', () => {
    expect(decideRefresh({ expiresAt: later, rotatedAt: null, revokedAt: null }, now)).toBe('rotate');
  });

  it('treats a second use of a rotated token as reuse, even after it expired', () => {
    expect(decideRefresh({ expiresAt: later, rotatedAt: now, revokedAt: now }, now)).toBe('reuse-detected');
    expect(decideRefresh({ expiresAt: now, rotatedAt: now, revokedAt: now }, later)).toBe('reuse-detected');
  });

  it('refuses revoked and expired tokens', () => {
    expect(decideRefresh({ expiresAt: later, rotatedAt: null, revokedAt: now }, now)).toBe('revoked');
    expect(decideRefresh({ expiresAt: now, rotatedAt: null, revokedAt: null }, now)).toBe('expired');
  });

  it('computes the expiry from the time to live', () => {
    expect(refreshExpiry(now, 60).toISOString()).toBe('2025-03-28T08:01:00.000Z');
  });
});
