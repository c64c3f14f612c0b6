import { canSeePool, claimRefusal, dayStart, isPoolAdmin, reclaimWindowStart } from './pool';

describe('pool rules', () => {
  it('refuses a claim by the first rule it would break, and allows it when no rule is set', () => {
    const usage = { held: 5, claimsToday: 3, claimsOfCustomer: 2 };
    expect(claimRefusal({}, usage)).toBeUndefined();
    expect(claimRefusal({ maxHeld: 5 }, usage)).toBe('POOL.HOLD_LIMIT');
    expect(claimRefusal({ maxHeld: 6 }, usage)).toBeUndefined();
    expect(claimRefusal({ maxClaimsPerDay: 3 }, usage)).toBe('POOL.DAILY_CLAIM_LIMIT');
    expect(claimRefusal({ maxClaimsPerDay: 4 }, usage)).toBeUndefined();
    expect(claimRefusal({ maxClaimsSameCustomer: 2 }, usage)).toBe('POOL.RECLAIM_LIMIT');
    expect(claimRefusal({ maxClaimsSameCustomer: 3 }, usage)).toBeUndefined();
    expect(claimRefusal({ maxHeld: 1, maxClaimsPerDay: 1, maxClaimsSameCustomer: 1 }, usage)).toBe('POOL.HOLD_LIMIT');
  });

  it('counts the same-customer limit over the lift window, or forever', () => {
    const now = new Date('2025-03-28T10:00:00Z');
    expect(reclaimWindowStart({}, now)).toBeNull();
    expect(reclaimWindowStart({ reclaimLimitLiftsAfterDays: 30 }, now)).toEqual(new Date('2025-02-26T10:00:00Z'));
  });

  it('starts the quota day at midnight UTC', () => {
    expect(dayStart(new Date('2025-03-28T23:59:59.999Z'))).toEqual(new Date('2025-03-28T00:00:00Z'));
    expect(dayStart(new Date('2025-03-29T00:00:00.000Z'))).toEqual(new Date('2025-03-29T00:00:00Z'));
  });

  it('shows a pool to its administrators, its members and organisation administrators only', () => {
    const pool = { adminIds: ['a'], memberIds: ['m'] };
    expect(canSeePool(pool, { userId: 'a', isOrgAdmin: false })).toBe(true);
    expect(canSeePool(pool, { userId: 'm', isOrgAdmin: false })).toBe(true);
    expect(canSeePool(pool, { userId: 'x', isOrgAdmin: true })).toBe(true);
    expect(canSeePool(pool, { userId: 'x', isOrgAdmin: false })).toBe(false);
    expect(isPoolAdmin(pool, { userId: 'm', isOrgAdmin: false })).toBe(false);
  });
});
