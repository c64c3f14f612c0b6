import { unauthenticated } from '@crm/kernel';
import { cachingVerifier } from './verified-tokens';

const tokenWithExp = (expSeconds: number, id = 'a') =>
  `h.${Buffer.from(JSON.stringify({ sub: id, exp: expSeconds })).toString('base64url')}.s`;

describe('cachingVerifier', () => {
  let clock: number;
  let calls: string[];
  const verify = async (token: string) => {
    calls.push(token);
    if (token.startsWith('bad')) throw unauthenticated('AUTH.TOKEN_INVALID', 'no');
    return { userId: 'u', tenantId: 't', tenantCode: 'c', username: 'n', name: 'N', departmentId: 'd', roleCodes: [] };
  };
  const make = (maxEntries = 10) => cachingVerifier(verify, { maxEntries, maxAgeMs: 60_000, now: () => clock });

  beforeEach(() => {
    clock = 1_000_000_000_000;
    calls = [];
  });

  it('verifies a token once while it is fresh, then again after maxAge', async () => {
    const check = make();
    const token = tokenWithExp(clock / 1000 + 900);
    await check(token);
    await check(token);
    expect(calls).toHaveLength(1);
    clock += 60_001;
    await check(token);
    expect(calls).toHaveLength(2);
  });

  it('never trusts a cached token past its exp', async () => {
    const check = make();
    const token = tokenWithExp(clock / 1000 + 5);
    await check(token);
    clock += 5_001;
    await check(token);
    expect(calls).toHaveLength(2);
  });

  it('never caches a failure', async () => {
    const check = make();
    await expect(check('bad.token.x')).rejects.toMatchObject({ code: 'AUTH.TOKEN_INVALID' });
    await expect(check('bad.token.x')).rejects.toMatchObject({ code: 'AUTH.TOKEN_INVALID' });
    expect(calls).toHaveLength(2);
  });

  it('stays within maxEntries, dropping the oldest', async () => {
    const check = make(2);
    const [a, b, c] = ['a', 'b', 'c'].map((id) => tokenWithExp(clock / 1000 + 900, id));
    await check(a);
    await check(b);
    await check(c);
    await check(a);
    expect(calls).toEqual([a, b, c, a]);
  });
});
