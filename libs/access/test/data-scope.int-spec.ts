import { randomUUID } from 'node:crypto';
import { DepartmentData, DepartmentUpdated, UserData, UserUpdated } from '@crm/contracts';
import { BusinessObject, DataScope } from '@crm/contracts';
import { addCollaborator, addShare, canAccess, listCollaborators, listShares, removeCollaborator, revokeShare } from '../src';
import { DataScopeFixture, callerOf, roleIdOf } from './data-scope.fixture';

/**
 * A hand-built organisation; every user owns one record (named after them):
 *
 *   root: ceo
 *   ├─ east: eastMgr (superior ceo), e1 (eastMgr), e2 (e1)
 *   │   └─ shanghai: shMgr (eastMgr), sh1 (shMgr)
 *   └─ west: westMgr (ceo), w1 (westMgr), w2 (eastMgr: reports across departments)
 */
describe('data scopes on a hand-built organisation', () => {
  let f: DataScopeFixture;
  const T = randomUUID();
  const OTHER = randomUUID();
  const dept: Record<string, DepartmentData> = {};
  const user: Record<string, UserData> = {};
  const recordOf: Record<string, string> = {};
  const ownerOf = new Map<string, string>();
  let foreignRecord: string;

  const scopeRoles: Record<DataScope, string> = {
    SELF: 'r-self',
    SELF_AND_SUBORDINATES: 'r-subordinates',
    DEPARTMENT: 'r-department',
    DEPARTMENT_AND_SUBDEPARTMENTS: 'r-subtree',
    ALL: 'r-all',
  };
  const names = (ids: string[]) => ids.map((id) => ownerOf.get(id) ?? id).sort();
  const visible = (who: string, roles: string[], action: 'query' | 'view' | 'edit' = 'query', object: BusinessObject = 'customer') =>
    f.visible(callerOf(user[who], roles), object, action).then(names);

  beforeAll(async () => {
    f = await DataScopeFixture.start('access_scope');
    dept.root = await f.department(T, 'root');
    dept.east = await f.department(T, 'east', dept.root);
    dept.shanghai = await f.department(T, 'shanghai', dept.east);
    dept.west = await f.department(T, 'west', dept.root);
    user.ceo = await f.user(T, 'ceo', dept.root);
    user.eastMgr = await f.user(T, 'eastMgr', dept.east, user.ceo);
    user.e1 = await f.user(T, 'e1', dept.east, user.eastMgr);
    user.e2 = await f.user(T, 'e2', dept.east, user.e1);
    user.shMgr = await f.user(T, 'shMgr', dept.shanghai, user.eastMgr);
    user.sh1 = await f.user(T, 'sh1', dept.shanghai, user.shMgr);
    user.westMgr = await f.user(T, 'westMgr', dept.west, user.ceo);
    user.w1 = await f.user(T, 'w1', dept.west, user.westMgr);
    user.w2 = await f.user(T, 'w2', dept.west, user.eastMgr);
    for (const [name, u] of Object.entries(user)) {
      recordOf[name] = await f.record(T, u.id);
      ownerOf.set(recordOf[name], name);
    }
    for (const [scope, role] of Object.entries(scopeRoles)) {
      await f.rules(T, role, [
        { object: 'customer', action: 'query', scope: scope as DataScope },
        { object: 'customer', action: 'view', scope: scope as DataScope },
        { object: 'customer', action: 'edit', scope: scope as DataScope },
      ]);
    }
    // Another tenant with its own users, rules and a record: never visible from T.
    const otherRoot = await f.department(OTHER, 'root');
    const stranger = await f.user(OTHER, 'stranger', otherRoot);
    foreignRecord = await f.record(OTHER, stranger.id);
    await f.rules(OTHER, 'r-all', [{ object: 'customer', action: 'query', scope: 'ALL' }]);
  });

  afterAll(() => f?.close());

  it('gives each scope exactly its owners', async () => {
    expect(await visible('eastMgr', [scopeRoles.SELF])).toEqual(['eastMgr']);
    expect(await visible('eastMgr', [scopeRoles.SELF_AND_SUBORDINATES])).toEqual(['e1', 'e2', 'eastMgr', 'sh1', 'shMgr', 'w2']);
    expect(await visible('e1', [scopeRoles.SELF_AND_SUBORDINATES])).toEqual(['e1', 'e2']);
    expect(await visible('eastMgr', [scopeRoles.DEPARTMENT])).toEqual(['e1', 'e2', 'eastMgr']);
    expect(await visible('eastMgr', [scopeRoles.DEPARTMENT_AND_SUBDEPARTMENTS])).toEqual(['e1', 'e2', 'eastMgr', 'sh1', 'shMgr']);
    expect(await visible('shMgr', [scopeRoles.DEPARTMENT_AND_SUBDEPARTMENTS])).toEqual(['sh1', 'shMgr']);
    expect(await visible('ceo', [scopeRoles.DEPARTMENT])).toEqual(['ceo']);
    expect(await visible('ceo', [scopeRoles.DEPARTMENT_AND_SUBDEPARTMENTS])).toEqual(Object.keys(user).sort());
    expect(await visible('w1', [scopeRoles.ALL])).toEqual(Object.keys(user).sort());
  });

  it('takes the union over the caller’s roles', async () => {
    expect(await visible('eastMgr', [scopeRoles.SELF, scopeRoles.SELF_AND_SUBORDINATES, scopeRoles.DEPARTMENT])).toEqual(['e1', 'e2', 'eastMgr', 'sh1', 'shMgr', 'w2']);
    expect(await visible('westMgr', [scopeRoles.SELF_AND_SUBORDINATES, scopeRoles.DEPARTMENT])).toEqual(['w1', 'w2', 'westMgr']);
    expect(await visible('shMgr', [scopeRoles.DEPARTMENT, scopeRoles.ALL])).toEqual(Object.keys(user).sort());
  });

  it('fails closed to SELF until a role’s rules arrive, or when a role has no rule for the object or action', async () => {
    expect(await visible('eastMgr', ['not-replicated-yet'])).toEqual(['eastMgr']);
    expect(await visible('eastMgr', [])).toEqual(['eastMgr']);
    expect(await visible('eastMgr', [scopeRoles.ALL], 'query', 'opportunity')).toEqual(['eastMgr']); // r-all has customer rules only
    await f.rules(T, 'partial', [{ object: 'customer', action: 'query', scope: 'ALL' }]);
    expect(await visible('eastMgr', ['partial'], 'query')).toHaveLength(Object.keys(user).length);
    expect(await visible('eastMgr', ['partial'], 'edit')).toEqual(['eastMgr']);
    // The rules arrive later: they apply to the next query, no restart needed.
    await f.rules(T, 'late', []);
    expect(await visible('e1', ['late'])).toEqual(['e1']);
    await f.rules(T, 'late', [{ object: 'customer', action: 'query', scope: 'DEPARTMENT' }]);
    expect(await visible('e1', ['late'])).toEqual(['e1', 'e2', 'eastMgr']);
  });

  it('replaces a role’s rules with each event, and never lets an older event overwrite a newer one', async () => {
    const rows = (role: string) => f.ds.query('SELECT object, action, scope FROM data_rules WHERE tenant_id = $1 AND role_code = $2 ORDER BY object, action', [T, role]);
    const t0 = new Date('2030-01-01T00:00:00Z');
    const later = new Date('2030-01-01T00:00:05Z');
    await f.rules(T, 'replaced', [{ object: 'customer', action: 'query', scope: 'ALL' }, { object: 'contact', action: 'view', scope: 'DEPARTMENT' }], undefined, t0);
    await f.rules(T, 'replaced', [{ object: 'follow-up', action: 'edit', scope: 'SELF_AND_SUBORDINATES' }], undefined, later);
    expect(await rows('replaced')).toEqual([{ object: 'follow-up', action: 'edit', scope: 'SELF_AND_SUBORDINATES' }]);
    await f.rules(T, 'replaced', [{ object: 'customer', action: 'query', scope: 'ALL' }], undefined, t0); // stale
    expect(await rows('replaced')).toEqual([{ object: 'follow-up', action: 'edit', scope: 'SELF_AND_SUBORDINATES' }]);
    await f.rules(T, 'replaced', [], undefined, new Date('2030-01-01T00:00:09Z')); // every rule removed
    expect(await rows('replaced')).toEqual([]);
    await f.rules(T, 'replaced', [{ object: 'customer', action: 'query', scope: 'ALL' }], undefined, later); // stale again
    expect(await rows('replaced')).toEqual([]);
    // The role's code changes (same role id): the old code keeps nothing.
    await f.rules(T, 'renamed', [{ object: 'customer', action: 'query', scope: 'ALL' }], roleIdOf(T, 'replaced'), new Date('2030-01-01T00:00:10Z'));
    expect(await rows('replaced')).toEqual([]);
    expect(await rows('renamed')).toEqual([{ object: 'customer', action: 'query', scope: 'ALL' }]);
  });

  it('follows the org projection as users move and superiors change', async () => {
    const mover = await f.user(T, 'mover', dept.west, user.westMgr);
    const r = await f.record(T, mover.id);
    ownerOf.set(r, 'mover');
    expect(await visible('eastMgr', [scopeRoles.DEPARTMENT_AND_SUBDEPARTMENTS])).not.toContain('mover');
    await f.apply(UserUpdated, T, mover.id, { ...mover, departmentId: dept.shanghai.id, superiorId: user.sh1.id });
    expect(await visible('eastMgr', [scopeRoles.DEPARTMENT_AND_SUBDEPARTMENTS])).toContain('mover');
    expect(await visible('shMgr', [scopeRoles.SELF_AND_SUBORDINATES])).toEqual(['mover', 'sh1', 'shMgr']);
    expect(await visible('westMgr', [scopeRoles.SELF_AND_SUBORDINATES])).toEqual(['w1', 'westMgr']);
    // Shanghai moves under west: its path changes (identity sends the new path).
    await f.apply(DepartmentUpdated, T, dept.shanghai.id, { ...dept.shanghai, parentId: dept.west.id, path: `${dept.west.path}${dept.shanghai.id}/` });
    expect(await visible('eastMgr', [scopeRoles.DEPARTMENT_AND_SUBDEPARTMENTS])).toEqual(['e1', 'e2', 'eastMgr']);
    expect(await visible('westMgr', [scopeRoles.DEPARTMENT_AND_SUBDEPARTMENTS])).toEqual(['mover', 'sh1', 'shMgr', 'w1', 'w2', 'westMgr']);
    await f.apply(DepartmentUpdated, T, dept.shanghai.id, dept.shanghai, new Date(Date.now() + 1000));
    await f.apply(UserUpdated, T, mover.id, { ...mover, departmentId: dept.west.id }, new Date(Date.now() + 1000));
  });

  it('survives a cycle in superior data', async () => {
    const a = await f.user(T, 'cycle-a', dept.west);
    const b = await f.user(T, 'cycle-b', dept.west, a);
    ownerOf.set(await f.record(T, a.id), 'cycle-a');
    ownerOf.set(await f.record(T, b.id), 'cycle-b');
    await f.apply(UserUpdated, T, a.id, { ...a, superiorId: b.id }, new Date(Date.now() + 1000));
    const seen = await f.visible(callerOf(a, [scopeRoles.SELF_AND_SUBORDINATES]), 'customer', 'query');
    expect(names(seen)).toEqual(['cycle-a', 'cycle-b']);
  });

  describe('shares and collaborators', () => {
    const self = [scopeRoles.SELF];

    it('lets a record shared with a user be listed and viewed, and edited only with edit access', async () => {
      const owner = callerOf(user.e1, self);
      const share = await addShare(f.ds.manager, owner, { object: 'customer' as const, recordId: recordOf.e1, userId: user.w1.id, access: 'read' });
      expect(await visible('w1', self, 'query')).toEqual(['e1', 'w1']);
      expect(await visible('w1', self, 'view')).toEqual(['e1', 'w1']);
      expect(await visible('w1', self, 'edit')).toEqual(['w1']);
      expect(await visible('w1', self, 'query', 'contact')).toEqual(['w1']); // the share names the object
      expect(await visible('w2', self, 'query')).toEqual(['w2']);
      await addShare(f.ds.manager, owner, { object: 'customer' as const, recordId: recordOf.e1, userId: user.w1.id, access: 'edit' });
      expect(await visible('w1', self, 'edit')).toEqual(['e1', 'w1']);
      expect(await listShares(f.ds.manager, owner, { object: 'customer' as const, recordId: recordOf.e1 })).toEqual([
        expect.objectContaining({ id: share.id, userId: user.w1.id, departmentId: null, access: 'edit', expiresAt: null, createdBy: user.e1.id }),
      ]);
      expect(await revokeShare(f.ds.manager, owner, share.id)).toBe(true);
      expect(await visible('w1', self, 'query')).toEqual(['w1']);
      expect(await revokeShare(f.ds.manager, owner, share.id)).toBe(false);
    });

    it('lets a record shared with a department reach its members only (not its sub-departments), until it expires', async () => {
      const owner = callerOf(user.w1, self);
      const share = await addShare(f.ds.manager, owner, { object: 'customer' as const, recordId: recordOf.w1, departmentId: dept.east.id, access: 'read' });
      expect(await visible('e2', self)).toEqual(['e2', 'w1']);
      expect(await visible('eastMgr', self)).toEqual(['eastMgr', 'w1']);
      expect(await visible('sh1', self)).toEqual(['sh1']);
      expect(await canAccess(f.ds.manager, callerOf(user.e2, self), { object: 'customer', action: 'view', recordId: recordOf.w1, ownerId: user.w1.id })).toBe(true);
      expect(await canAccess(f.ds.manager, callerOf(user.e2, self), { object: 'customer', action: 'edit', recordId: recordOf.w1, ownerId: user.w1.id })).toBe(false);
      await addShare(f.ds.manager, owner, { object: 'customer' as const, recordId: recordOf.w1, departmentId: dept.east.id, access: 'read', expiresAt: new Date(Date.now() - 1000) });
      expect(await visible('e2', self)).toEqual(['e2']);
      await addShare(f.ds.manager, owner, { object: 'customer' as const, recordId: recordOf.w1, departmentId: dept.east.id, access: 'read', expiresAt: new Date(Date.now() + 60_000) });
      expect(await visible('e2', self)).toEqual(['e2', 'w1']);
      await revokeShare(f.ds.manager, owner, share.id);
    });

    it('refuses a share naming both or neither grantee, or one from another organisation', async () => {
      const owner = callerOf(user.w1, self);
      const base = { object: 'customer' as const, recordId: recordOf.w1, access: 'read' as const };
      await expect(addShare(f.ds.manager, owner, base)).rejects.toMatchObject({ code: 'REQUEST.INVALID' });
      await expect(addShare(f.ds.manager, owner, { ...base, userId: user.e1.id, departmentId: dept.east.id })).rejects.toMatchObject({ code: 'REQUEST.INVALID' });
      await expect(addShare(f.ds.manager, owner, { ...base, userId: randomUUID() })).rejects.toMatchObject({ code: 'REQUEST.INVALID' });
    });

    it('lets collaborators list, view and edit the record', async () => {
      const owner = callerOf(user.shMgr, self);
      const r = { object: 'customer' as const, recordId: recordOf.shMgr };
      await addCollaborator(f.ds.manager, owner, r, user.w2.id);
      for (const action of ['query', 'view', 'edit'] as const) expect(await visible('w2', self, action)).toEqual(['shMgr', 'w2']);
      expect(await listCollaborators(f.ds.manager, owner, r)).toEqual([user.w2.id]);
      expect(await removeCollaborator(f.ds.manager, owner, r, user.w2.id)).toBe(true);
      expect(await visible('w2', self, 'edit')).toEqual(['w2']);
    });
  });

  it('never crosses tenants: not with ALL, not by a share, not for a single record', async () => {
    expect(await visible('ceo', [scopeRoles.ALL])).not.toContain(foreignRecord);
    const ceo = callerOf(user.ceo, [scopeRoles.ALL]);
    expect(await canAccess(f.ds.manager, ceo, { object: 'customer', action: 'view', recordId: foreignRecord, ownerId: null, tenantId: OTHER })).toBe(false);
    // A foreign owner is outside every scope but ALL (which the tenant filter bounds in lists).
    const stranger = (await f.ds.query('SELECT owner_id FROM records WHERE id = $1', [foreignRecord]))[0].owner_id;
    expect(await canAccess(f.ds.manager, callerOf(user.ceo, [scopeRoles.DEPARTMENT_AND_SUBDEPARTMENTS]), { object: 'customer', action: 'view', recordId: foreignRecord, ownerId: stranger })).toBe(false);
    // A share row of this tenant naming a foreign record id does not reach the other tenant's lists.
    await f.ds.query(`INSERT INTO record_shares (id, tenant_id, object, record_id, user_id, access, created_by) VALUES ($1, $2, 'customer', $3, $4, 'read', $4)`, [randomUUID(), T, foreignRecord, user.w1.id]);
    expect(await visible('w1', [scopeRoles.SELF])).toEqual(['w1']);
  });

  it('answers canAccess exactly as the list condition does, for every user, record and action', async () => {
    const records = (await f.ds.query('SELECT id, owner_id FROM records WHERE tenant_id = $1', [T])) as { id: string; owner_id: string }[];
    for (const who of ['eastMgr', 'w1', 'sh1']) {
      for (const [role, action] of [[scopeRoles.SELF_AND_SUBORDINATES, 'view'], [scopeRoles.DEPARTMENT_AND_SUBDEPARTMENTS, 'edit'], [scopeRoles.DEPARTMENT, 'query']] as const) {
        const caller = callerOf(user[who], [role]);
        const listed = new Set(await f.visible(caller, 'customer', action));
        for (const r of records) {
          expect([r.id, await canAccess(f.ds.manager, caller, { object: 'customer', action, recordId: r.id, ownerId: r.owner_id })]).toEqual([r.id, listed.has(r.id)]);
        }
      }
    }
  });
});
