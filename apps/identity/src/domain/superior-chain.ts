/**
 * Reporting lines must stay a forest: a user may not end up above themselves. `superiorOf` gives
 * each user's superior along the chain that starts at the proposed superior (a map loaded from it).
 */
export function superiorChainHasCycle(userId: string, proposedSuperiorId: string | null, superiorOf: ReadonlyMap<string, string | null>): boolean {
  const seen = new Set<string>();
  for (let current = proposedSuperiorId; current !== null && current !== undefined; current = superiorOf.get(current) ?? null) {
    if (current === userId) return true;
    if (seen.has(current)) return true; // an existing loop is as bad: refuse to extend it
    seen.add(current);
  }
  return false;
}
