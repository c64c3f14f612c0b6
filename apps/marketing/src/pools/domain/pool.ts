import { NumberingRule, conflict, forbidden, notFound } from '@crm/kernel';

/**
 * Public pools (公海池 for customers, 线索池 for leads): one model, told apart by `kind`. Each pool
 * has its administrators and members, a review type for records entering it, an allocation mode
 * and optional rules, each with its own number (domain brief, "Rules the seeds state").
 */
export const POOL_KINDS = ['customer', 'lead'] as const;
export type PoolKind = (typeof POOL_KINDS)[number];

export const REVIEW_TYPES = ['none', 'review', 'approval'] as const;
export type ReviewType = (typeof REVIEW_TYPES)[number];

/** `assign-only`: members see, only administrators assign. `claim-and-assign`: members also claim. */
export const ALLOCATIONS = ['assign-only', 'claim-and-assign'] as const;
export type Allocation = (typeof ALLOCATIONS)[number];

export interface PoolRules {
  /** Customers one employee may hold (owned, in every pool or none). */
  maxHeld?: number;
  /** Claims from this pool per employee per calendar day (UTC). */
  maxClaimsPerDay?: number;
  /** Times the same employee may claim the same customer... */
  maxClaimsSameCustomer?: number;
  /** ...counted over the last N days; forever when unset. */
  reclaimLimitLiftsAfterDays?: number;
  remindNoFollowUpDays?: number;
  remindNoDealDays?: number;
  returnNoFollowUpDays?: number;
  returnNoDealDays?: number;
}
export const RULE_NAMES = [
  'maxHeld', 'maxClaimsPerDay', 'maxClaimsSameCustomer', 'reclaimLimitLiftsAfterDays',
  'remindNoFollowUpDays', 'remindNoDealDays', 'returnNoFollowUpDays', 'returnNoDealDays',
] as const satisfies readonly (keyof PoolRules)[];

export interface Pool {
  id: string;
  tenantId: string;
  kind: PoolKind;
  code: string;
  name: string;
  description: string | null;
  isDefault: boolean;
  adminIds: string[];
  memberIds: string[];
  tags: string[];
  reviewType: ReviewType;
  allocation: Allocation;
  rules: PoolRules;
  createdBy: string;
  updatedBy: string;
  createdAt: string;
  updatedAt: string;
}

/** `KHMX-20250328-13` / `XSMX-20250328-01`: the serial restarts every day (UTC). */
export const POOL_NUMBERING: Record<PoolKind, NumberingRule> = {
  customer: { prefix: 'KHMX', datePattern: 'YYYYMMDD', serialDigits: 2, reset: 'daily', separator: '-' },
  lead: { prefix: 'XSMX', datePattern: 'YYYYMMDD', serialDigits: 2, reset: 'daily', separator: '-' },
};

/** Who asks about a pool: organisation administrators see and manage every pool. */
export interface PoolViewer {
  userId: string;
  isOrgAdmin: boolean;
}

export const isPoolAdmin = (pool: Pick<Pool, 'adminIds'>, who: PoolViewer) => who.isOrgAdmin || pool.adminIds.includes(who.userId);
/** Members who are not administrators never see pools they do not belong to. */
export const canSeePool = (pool: Pick<Pool, 'adminIds' | 'memberIds'>, who: PoolViewer) => isPoolAdmin(pool, who) || pool.memberIds.includes(who.userId);

/** How much of each quota a claimant has used, counted under their lock. */
export interface ClaimUsage {
  /** Customers the claimant owns now. */
  held: number;
  /** Their claims from this pool since the start of the day. */
  claimsToday: number;
  /** Their claims of this customer within the lift window (or ever). */
  claimsOfCustomer: number;
}

export type ClaimRefusal = 'POOL.HOLD_LIMIT' | 'POOL.DAILY_CLAIM_LIMIT' | 'POOL.RECLAIM_LIMIT';

/** The first rule one more claim would break, or undefined when the claim is allowed. */
export function claimRefusal(rules: PoolRules, usage: ClaimUsage): ClaimRefusal | undefined {
  if (rules.maxHeld !== undefined && usage.held >= rules.maxHeld) return 'POOL.HOLD_LIMIT';
  if (rules.maxClaimsPerDay !== undefined && usage.claimsToday >= rules.maxClaimsPerDay) return 'POOL.DAILY_CLAIM_LIMIT';
  if (rules.maxClaimsSameCustomer !== undefined && usage.claimsOfCustomer >= rules.maxClaimsSameCustomer) return 'POOL.RECLAIM_LIMIT';
  return undefined;
}

/** Since when the same-customer limit counts claims: `reclaimLimitLiftsAfterDays` back, or forever (null). */
export function reclaimWindowStart(rules: PoolRules, now: Date): Date | null {
  return rules.reclaimLimitLiftsAfterDays === undefined ? null : new Date(now.getTime() - rules.reclaimLimitLiftsAfterDays * 86_400_000);
}

/** The calendar day a daily quota counts: UTC, since tenants have no time zone setting yet. */
export function dayStart(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
}

const REFUSAL_MESSAGES: Record<ClaimRefusal, (rules: PoolRules) => string> = {
  'POOL.HOLD_LIMIT': (r) => `You already hold ${r.maxHeld} customers, the most this pool allows.`,
  'POOL.DAILY_CLAIM_LIMIT': (r) => `You have made ${r.maxClaimsPerDay} claims from this pool today, the most it allows per day.`,
  'POOL.RECLAIM_LIMIT': (r) =>
    `You have claimed this customer ${r.maxClaimsSameCustomer} times${r.reclaimLimitLiftsAfterDays !== undefined ? ` in the last ${r.reclaimLimitLiftsAfterDays} days` : ''}, the most this pool allows.`,
};

export const poolErrors = {
  notFound: () => notFound('POOL.NOT_FOUND', 'No such pool in your organisation, or you are not one of its members.'),
  customerNotFound: () => notFound('CUSTOMER.NOT_FOUND', 'No such customer in your organisation.'),
  refused: (code: ClaimRefusal, rules: PoolRules) => conflict(code, REFUSAL_MESSAGES[code](rules)),
  notInPool: () => conflict('POOL.NOT_IN_POOL', 'The customer is not in this pool (someone may have just claimed it).'),
  claimsDisabled: () => conflict('POOL.CLAIMS_DISABLED', 'Members cannot claim from this pool: its administrators assign its customers.'),
  notAdmin: () => forbidden('POOL.NOT_ADMIN', 'Only the pool\u2019s administrators (or organisation administrators) may do this.'),
  notOwner: () => forbidden('POOL.NOT_OWNER', 'Only the customer\u2019s owner may return it to a pool.'),
  alreadyInPool: () => conflict('POOL.ALREADY_IN_POOL', 'The customer is in a pool already: transfer it between pools instead.'),
  historyForbidden: () => forbidden('AUTH.FORBIDDEN', 'Only the customer\u2019s owner, administrators and those who see the pool holding it may read its ownership history.'),
  noDefaultPool: () => conflict('POOL.NO_DEFAULT_POOL', 'The organisation has no default customer pool; name the pool to return the customer to.'),
  samePool: () => conflict('POOL.SAME_POOL', 'The customers are already in that pool.'),
};
