import { randomBytes } from 'node:crypto';

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;
const ZEROS_32 = '0'.repeat(32);
const ZEROS_16 = '0'.repeat(16);

/**
 * The W3C `traceparent` to send upstream: the caller's trace continued with a new parent id (the
 * gateway's hop), or a new sampled trace when the caller sent none or an invalid one.
 */
export function nextTraceparent(incoming: string | string[] | undefined): string {
  const m = typeof incoming === 'string' ? TRACEPARENT.exec(incoming.trim()) : null;
  const valid = m && m[1] !== 'ff' && m[2] !== ZEROS_32 && m[3] !== ZEROS_16;
  const spanId = randomBytes(8).toString('hex');
  return valid ? `00-${m[2]}-${spanId}-${m[4]}` : `00-${randomBytes(16).toString('hex')}-${spanId}-01`;
}
