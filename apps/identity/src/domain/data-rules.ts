import { BUSINESS_OBJECTS, DATA_ACTIONS, DataRule, defaultDataRules } from '@crm/contracts';

/**
 * A role's full rule set: what is stored, and the role's default for any combination that is not
 * (a business object added after the role was made). Objects in manual order, actions query, view, edit.
 */
export function completeDataRules(roleCode: string, stored: readonly DataRule[]): DataRule[] {
  const byKey = new Map(stored.map((r) => [`${r.object}/${r.action}`, r.scope]));
  return defaultDataRules(roleCode).map((d) => ({ ...d, scope: byKey.get(`${d.object}/${d.action}`) ?? d.scope }));
}

/** Positions of entries naming an object and action that an earlier entry already named. */
export function repeatedCombinations(items: readonly Pick<DataRule, 'object' | 'action'>[]): number[] {
  const seen = new Set<string>();
  return items.flatMap((r, i) => {
    const key = `${r.object}/${r.action}`;
    if (seen.has(key)) return [i];
    seen.add(key);
    return [];
  });
}

export const DATA_RULE_COUNT = BUSINESS_OBJECTS.length * DATA_ACTIONS.length;
