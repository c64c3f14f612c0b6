/**
 * The department tree as materialised paths: `/<rootId>/<childId>/`. A subtree is every path
 * that starts with its root's path, so moves and scope queries are prefix operations.
 */

export function departmentPath(id: string, parentPath: string | null): string {
  return `${parentPath ?? '/'}${id}/`;
}

/** Whether putting the department at `path` under `newParentPath` would make it its own ancestor. */
export function wouldCreateCycle(path: string, newParentPath: string | null): boolean {
  return newParentPath !== null && newParentPath.startsWith(path);
}

/** The path of a subtree member after its subtree root moved from `oldRootPath` to `newRootPath`. */
export function rebasePath(path: string, oldRootPath: string, newRootPath: string): string {
  if (!path.startsWith(oldRootPath)) throw new Error(`${path} is not inside ${oldRootPath}`);
  return newRootPath + path.slice(oldRootPath.length);
}

/** The department may go only when nothing hangs off it. */
export function canDeleteDepartment(counts: { children: number; users: number }): boolean {
  return counts.children === 0 && counts.users === 0;
}
