import { LeadStatus } from '@crm/contracts';

/**
 * A lead's life: `new` → `following` (by hand, or on its first follow-up) → `converted` (only by a
 * completed conversion, and then for good); `new` or `following` → `invalid`; an invalid lead may be
 * reopened to `following` (a bad lead sometimes comes back to life, and reopening keeps its history
 * rather than asking for a copy). Nothing leads back to `new`.
 */
export const MANUAL_TRANSITIONS: Readonly<Record<LeadStatus, readonly LeadStatus[]>> = {
  new: ['following', 'invalid'],
  following: ['invalid'],
  invalid: ['following'],
  converted: [],
};

/** The statuses a user may set by hand (conversion alone sets `converted`). */
export const SETTABLE_STATUSES = ['following', 'invalid'] as const;
export type SettableStatus = (typeof SETTABLE_STATUSES)[number];

export type LeadRuleViolation =
  | { code: 'LEAD.ALREADY_CONVERTED'; message: string }
  | { code: 'LEAD.CONVERSION_PENDING'; message: string }
  | { code: 'LEAD.INVALID_TRANSITION'; message: string }
  | { code: 'LEAD.NOT_CONVERTIBLE'; message: string };

export interface LeadState {
  status: LeadStatus;
  /** A conversion was asked for and sales has not answered yet. */
  conversionPending: boolean;
}

const converted = (): LeadRuleViolation => ({ code: 'LEAD.ALREADY_CONVERTED', message: 'The lead is converted: it is read-only; work on its customer instead.' });
const pending = (): LeadRuleViolation => ({ code: 'LEAD.CONVERSION_PENDING', message: 'The lead is being converted; try again once the conversion completed or failed.' });

/** Whether the lead's fields may change, be followed up or deleted: not once converted nor while converting. */
export function checkChangeable(lead: LeadState): LeadRuleViolation | null {
  if (lead.status === 'converted') return converted();
  if (lead.conversionPending) return pending();
  return null;
}

/** Whether a user may move the lead to `to`; moving to the status it has is a no-op, allowed. */
export function checkTransition(lead: LeadState, to: LeadStatus): LeadRuleViolation | null {
  const blocked = checkChangeable(lead);
  if (blocked) return blocked;
  if (to === lead.status || MANUAL_TRANSITIONS[lead.status].includes(to)) return null;
  return { code: 'LEAD.INVALID_TRANSITION', message: `A lead cannot go from '${lead.status}' to '${to}'.` };
}

/** The status after a follow-up: the first one on a new lead starts following it; others leave it be. */
export function statusAfterFollowUp(status: LeadStatus): LeadStatus {
  return status === 'new' ? 'following' : status;
}

/** Whether a conversion may start: new and following leads only (reopen an invalid one first). */
export function checkConvertible(lead: LeadState): LeadRuleViolation | null {
  if (lead.status === 'converted') return converted();
  if (lead.status === 'invalid') return { code: 'LEAD.NOT_CONVERTIBLE', message: 'An invalid lead cannot be converted; reopen it (status following) first.' };
  return null;
}
