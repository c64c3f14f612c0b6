import { PoolRules } from './pool';

/**
 * The pools' rules engine (domain brief, "Rules the seeds state"): an owned customer without a
 * follow-up, or without a deal, for N days reminds its pool's administrators, or goes back to the
 * pool. The decisions, written once here and mirrored by the job's SQL (its rule list is built
 * from RECYCLE_RULES in infrastructure/pool-rules.repository.ts):
 * - the governing pool of an owned customer is the pool its current owner got it from (the
 *   `from_pool_id` of the latest claim/assign history row giving it to that owner), else the
 *   organisation's default customer pool; its rules apply and it is where the customer returns;
 * - the clocks: no follow-up since max(last follow-up, owned since); no deal since max(last deal,
 *   owned since) — a new owner starts both clocks afresh, a follow-up or a won deal restarts its own;
 * - "N days" is N × 24 hours elapsed (not calendar days, so the answer does not depend on a time
 *   zone): a rule is due at clockStartedAt + N × 24 h, inclusive;
 * - one return per customer: the return rule due first (no follow-up before no deal on a tie);
 *   a customer going back in the same run is not reminded as well;
 * - a reminder is sent once per customer, rule and clock start: a follow-up (or new owner) restarts
 *   the clock, and another N idle days remind again.
 */
export type RuleKind = 'reminder' | 'return';
export type RuleClock = 'noFollowUp' | 'noDeal';
export type RecycleRuleName = 'returnNoFollowUpDays' | 'returnNoDealDays' | 'remindNoFollowUpDays' | 'remindNoDealDays';

export interface RecycleRule {
  rule: RecycleRuleName;
  kind: RuleKind;
  clock: RuleClock;
}

/** In order of precedence when two are due at the same instant. */
export const RECYCLE_RULES: readonly RecycleRule[] = [
  { rule: 'returnNoFollowUpDays', kind: 'return', clock: 'noFollowUp' },
  { rule: 'returnNoDealDays', kind: 'return', clock: 'noDeal' },
  { rule: 'remindNoFollowUpDays', kind: 'reminder', clock: 'noFollowUp' },
  { rule: 'remindNoDealDays', kind: 'reminder', clock: 'noDeal' },
];

export const DAY_MS = 24 * 60 * 60 * 1000;

/** The facts the rules look at, for one owned customer. */
export interface OwnershipClocks {
  ownedSince: Date;
  lastFollowUpAt: Date | null;
  lastDealAt: Date | null;
}

export interface ClockStarts {
  noFollowUpSince: Date;
  noDealSince: Date;
}

/** One rule applied to one customer: why (the rule, its days, since when) and when it falls due. */
export interface RuleOutcome {
  rule: RecycleRuleName;
  kind: RuleKind;
  days: number;
  clockStartedAt: Date;
  dueAt: Date;
}

const latest = (a: Date, b: Date | null) => (b !== null && b.getTime() > a.getTime() ? b : a);

export function clockStarts(c: OwnershipClocks): ClockStarts {
  return { noFollowUpSince: latest(c.ownedSince, c.lastFollowUpAt), noDealSince: latest(c.ownedSince, c.lastDealAt) };
}

/** Every rule the pool sets, applied to the clocks: due or not, in RECYCLE_RULES order. */
export function ruleOutcomes(rules: PoolRules, clocks: OwnershipClocks): RuleOutcome[] {
  const starts = clockStarts(clocks);
  const outcomes: RuleOutcome[] = [];
  for (const r of RECYCLE_RULES) {
    const days = rules[r.rule];
    if (days === undefined || days === null) continue;
    const clockStartedAt = r.clock === 'noFollowUp' ? starts.noFollowUpSince : starts.noDealSince;
    outcomes.push({ rule: r.rule, kind: r.kind, days, clockStartedAt, dueAt: new Date(clockStartedAt.getTime() + days * DAY_MS) });
  }
  return outcomes;
}

const isDue = (o: RuleOutcome, asOf: Date) => o.dueAt.getTime() <= asOf.getTime();
const byDue = (a: RuleOutcome, b: RuleOutcome) => a.dueAt.getTime() - b.dueAt.getTime();

/** The rule that sends the customer back (the first due; ties in RECYCLE_RULES order), if any is due. */
export function dueReturn(outcomes: RuleOutcome[], asOf: Date): RuleOutcome | undefined {
  return outcomes.filter((o) => o.kind === 'return' && isDue(o, asOf)).sort(byDue)[0];
}

/** What a run at `asOf` does to one owned customer; `reminded(rule, clockStartedAt)` says whether that reminder went out already. */
export function dueAsOf(outcomes: RuleOutcome[], asOf: Date, reminded: (o: RuleOutcome) => boolean = () => false): { returns: RuleOutcome | undefined; reminders: RuleOutcome[] } {
  const returns = dueReturn(outcomes, asOf);
  if (returns) return { returns, reminders: [] };
  return { returns: undefined, reminders: outcomes.filter((o) => o.kind === 'reminder' && isDue(o, asOf) && !reminded(o)) };
}

/**
 * What will happen next to an owned customer, for its owner: the return (due or not yet) that
 * comes first, and the first reminder still to be sent before it (none when the return comes first).
 */
export function nextOutcomes(outcomes: RuleOutcome[], reminded: (o: RuleOutcome) => boolean = () => false): { nextReturn: RuleOutcome | null; nextReminder: RuleOutcome | null } {
  const nextReturn = outcomes.filter((o) => o.kind === 'return').sort(byDue)[0] ?? null;
  const nextReminder =
    outcomes.filter((o) => o.kind === 'reminder' && !reminded(o) && (nextReturn === null || o.dueAt.getTime() < nextReturn.dueAt.getTime())).sort(byDue)[0] ?? null;
  return { nextReturn, nextReminder };
}
