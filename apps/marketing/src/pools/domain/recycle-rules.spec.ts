import { DAY_MS, clockStarts, dueAsOf, nextOutcomes, ruleOutcomes } from './recycle-rules';

const t = (iso: string) => new Date(iso);
const plus = (d: Date, ms: number) => new Date(d.getTime() + ms);

describe('pool rules engine: clocks, due rules and what comes next', () => {
  const ownedSince = t('2025-03-01T10:00:00.000Z');

  it('starts each clock at the later of its event and the day the owner got the customer', () => {
    expect(clockStarts({ ownedSince, lastFollowUpAt: null, lastDealAt: null })).toEqual({ noFollowUpSince: ownedSince, noDealSince: ownedSince });
    // A follow-up or deal from before the current owner does not count: a new owner starts afresh.
    expect(clockStarts({ ownedSince, lastFollowUpAt: t('2025-02-01T00:00:00Z'), lastDealAt: t('2025-02-02T00:00:00Z') })).toEqual({ noFollowUpSince: ownedSince, noDealSince: ownedSince });
    expect(clockStarts({ ownedSince, lastFollowUpAt: t('2025-03-05T00:00:00Z'), lastDealAt: t('2025-03-06T00:00:00Z') })).toEqual({
      noFollowUpSince: t('2025-03-05T00:00:00Z'), noDealSince: t('2025-03-06T00:00:00Z'),
    });
  });

  it('counts N days as N × 24 hours: due at the instant, not a millisecond before', () => {
    const outcomes = ruleOutcomes({ returnNoFollowUpDays: 15 }, { ownedSince, lastFollowUpAt: null, lastDealAt: null });
    expect(outcomes).toEqual([{ rule: 'returnNoFollowUpDays', kind: 'return', days: 15, clockStartedAt: ownedSince, dueAt: plus(ownedSince, 15 * DAY_MS) }]);
    expect(dueAsOf(outcomes, plus(ownedSince, 15 * DAY_MS - 1)).returns).toBeUndefined();
    expect(dueAsOf(outcomes, plus(ownedSince, 15 * DAY_MS)).returns?.rule).toBe('returnNoFollowUpDays');
    // Across a DST change somewhere: still 24 h per day, whatever the zone.
    const march = ruleOutcomes({ returnNoFollowUpDays: 30 }, { ownedSince: t('2025-03-20T00:00:00Z'), lastFollowUpAt: null, lastDealAt: null });
    expect(march[0].dueAt.toISOString()).toBe('2025-04-19T00:00:00.000Z');
  });

  it('ignores rules the pool does not set, and other pool rules', () => {
    expect(ruleOutcomes({ maxHeld: 3, maxClaimsPerDay: 2 }, { ownedSince, lastFollowUpAt: null, lastDealAt: null })).toEqual([]);
  });

  it('sends a customer back on the return rule due first; on a tie, no-follow-up wins', () => {
    const clocks = { ownedSince, lastFollowUpAt: t('2025-03-05T10:00:00Z'), lastDealAt: null };
    const outcomes = ruleOutcomes({ returnNoFollowUpDays: 10, returnNoDealDays: 12 }, clocks);
    // no deal since 03-01 + 12 d = 03-13; no follow-up since 03-05 + 10 d = 03-15.
    expect(dueAsOf(outcomes, t('2025-03-20T00:00:00Z')).returns).toMatchObject({ rule: 'returnNoDealDays', dueAt: t('2025-03-13T10:00:00Z') });
    const tie = ruleOutcomes({ returnNoFollowUpDays: 10, returnNoDealDays: 10 }, { ownedSince, lastFollowUpAt: null, lastDealAt: null });
    expect(dueAsOf(tie, t('2025-04-01T00:00:00Z')).returns?.rule).toBe('returnNoFollowUpDays');
  });

  it('reminds on both clocks, not for a customer going back, and not twice for one clock start', () => {
    const clocks = { ownedSince, lastFollowUpAt: null, lastDealAt: null };
    const outcomes = ruleOutcomes({ remindNoFollowUpDays: 3, remindNoDealDays: 5, returnNoFollowUpDays: 10 }, clocks);
    expect(dueAsOf(outcomes, plus(ownedSince, 4 * DAY_MS)).reminders.map((o) => o.rule)).toEqual(['remindNoFollowUpDays']);
    expect(dueAsOf(outcomes, plus(ownedSince, 5 * DAY_MS)).reminders.map((o) => o.rule)).toEqual(['remindNoFollowUpDays', 'remindNoDealDays']);
    expect(dueAsOf(outcomes, plus(ownedSince, 5 * DAY_MS), (o) => o.rule === 'remindNoFollowUpDays').reminders.map((o) => o.rule)).toEqual(['remindNoDealDays']);
    expect(dueAsOf(outcomes, plus(ownedSince, 10 * DAY_MS))).toMatchObject({ returns: { rule: 'returnNoFollowUpDays' }, reminders: [] });
  });

  it('tells the owner the next return and the next reminder still to come before it', () => {
    const clocks = { ownedSince, lastFollowUpAt: null, lastDealAt: null };
    const outcomes = ruleOutcomes({ remindNoFollowUpDays: 3, remindNoDealDays: 20, returnNoFollowUpDays: 10, returnNoDealDays: 30 }, clocks);
    const next = nextOutcomes(outcomes);
    expect(next.nextReturn).toMatchObject({ rule: 'returnNoFollowUpDays', dueAt: plus(ownedSince, 10 * DAY_MS) });
    expect(next.nextReminder).toMatchObject({ rule: 'remindNoFollowUpDays', dueAt: plus(ownedSince, 3 * DAY_MS) });
    expect(nextOutcomes(outcomes, (o) => o.rule === 'remindNoFollowUpDays').nextReminder).toBeNull(); // the no-deal reminder would come after the return
    expect(nextOutcomes(ruleOutcomes({ remindNoDealDays: 4 }, clocks))).toEqual({ nextReturn: null, nextReminder: expect.objectContaining({ rule: 'remindNoDealDays' }) });
  });
});
