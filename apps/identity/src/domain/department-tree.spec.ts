import { canDeleteDepartment, departmentPath, rebasePath, wouldCreateCycle } from './department-tree';

describe('department tree', () => {
  it('builds paths from the root down', () => {
    expect(departmentPath('a', null)).toBe('/a/');
    expect(departmentPath('b', '/a/')).toBe('/a/b/');
  });

  it('refuses moving a department under itself or a descendant', () => {
    expect(wouldCreateCycle('/a/b/', '/a/b/')).toBe(true);
    expect(wouldCreateCycle('/a/b/', '/a/b/c/')).toBe(true);
    expect(wouldCreateCycle('/a/b/', '/a/')).toBe(false);
    expect(wouldCreateCycle('/a/b/', '/a/bb/')).toBe(false); // a sibling whose id shares a prefix
    expect(wouldCreateCycle('/a/b/', null)).toBe(false);
  });

  it('rebases a subtree member onto the new place of its subtree root', () => {
    expect(rebasePath('/a/b/c/', '/a/b/', '/x/b/')).toBe('/x/b/c/');
    expect(() => rebasePath('/z/', '/a/b/', '/x/b/')).toThrow();
  });

  it('deletes only empty departments', () => {
    expect(canDeleteDepartment({ children: 0, users: 0 })).toBe(true);
    expect(canDeleteDepartment({ children: 1, users: 0 })).toBe(false);
    expect(canDeleteDepartment({ children: 0, users: 2 })).toBe(false);
  });
});
