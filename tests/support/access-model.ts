/**
 * The data-permission rules written plainly, in memory, over the organisation and records a test
 * built through the API: what the services must answer. Roles keep the default data rules of
 * `defaultDataRules` (the tests never change them); shares are the ones the test made.
 * (libs/access/test/data-scope.property.int-spec.ts checks the SQL condition against the same rules.)
 */
import { BusinessObject, DataAction, DataScope, defaultDataRules } from '@crm/contracts';

export interface ModelUser {
  id: string;
  tenantId: string;
  departmentId: string;
  superiorId: string | null;
  roles: string[];
}

export interface ModelDepartment {
  id: string;
  tenantId: string;
  /** `/root-id/.../id/`, as identity answers it. */
  path: string;
}

export interface ModelRecord {
  id: string;
  object: BusinessObject;
  tenantId: string;
  ownerId: string;
  deleted: boolean;
  /** The customer a contact or follow-up belongs to. */
  customerId?: string;
  /** Deleted together with this customer: restoring it brings the record back. */
  deletedWith?: string;
}

export interface ModelShare {
  object: BusinessObject;
  recordId: string;
  userId: string | null;
  departmentId: string | null;
  access: 'read' | 'edit';
}

export class AccessModel {
  readonly users = new Map<string, ModelUser>();
  readonly departments = new Map<string, ModelDepartment>();
  readonly records = new Map<string, ModelRecord>();
  readonly shares: ModelShare[] = [];

  /** The caller's scopes for one object and action: one per role; no role counts as SELF (fail closed). */
  scopes(user: ModelUser, object: BusinessObject, action: DataAction): DataScope[] {
    const scopes = user.roles.map((role) => defaultDataRules(role).find((r) => r.object === object && r.action === action)!.scope);
    return scopes.length ? scopes : ['SELF'];
  }

  /** Whether `boss` is somewhere up `user`'s chain of superiors. */
  reportsTo(user: ModelUser, boss: ModelUser): boolean {
    const seen = new Set<string>();
    for (let id = user.superiorId; id && !seen.has(id); id = this.users.get(id)?.superiorId ?? null) {
      if (id === boss.id) return true;
      seen.add(id);
    }
    return false;
  }

  /** May `userId` do `action` on a record of `object` with this tenant and owner (its id for shares)? */
  may(userId: string, object: BusinessObject, action: DataAction, record: { id?: string; tenantId: string; ownerId: string }): boolean {
    const user = this.users.get(userId);
    if (!user || record.tenantId !== user.tenantId) return false;
    if (record.ownerId === user.id) return true;
    const owner = this.users.get(record.ownerId);
    for (const scope of this.scopes(user, object, action)) {
      if (scope === 'ALL') return true;
      if (!owner) continue;
      if (scope === 'DEPARTMENT' && owner.departmentId === user.departmentId) return true;
      if (scope === 'DEPARTMENT_AND_SUBDEPARTMENTS') {
        const mine = this.departments.get(user.departmentId)?.path;
        if (mine && this.departments.get(owner.departmentId)?.path.startsWith(mine)) return true;
      }
      if (scope === 'SELF_AND_SUBORDINATES' && this.reportsTo(owner, user)) return true;
    }
    return this.shares.some(
      (s) =>
        s.object === object &&
        s.recordId === record.id &&
        (s.userId === user.id || s.departmentId === user.departmentId) &&
        (action !== 'edit' || s.access === 'edit'),
    );
  }

  /** Sharing a record again with the same grantee replaces the access. */
  share(share: ModelShare): void {
    this.unshare(share);
    this.shares.push(share);
  }

  unshare(share: Omit<ModelShare, 'access'>): void {
    const same = this.shares.findIndex((s) => s.recordId === share.recordId && s.object === share.object && s.userId === share.userId && s.departmentId === share.departmentId);
    if (same >= 0) this.shares.splice(same, 1);
  }

  /** A soft delete; a customer takes its live contacts and follow-ups with it. */
  delete(id: string): void {
    const record = this.records.get(id)!;
    record.deleted = true;
    for (const r of this.records.values()) {
      if (r.customerId === id && !r.deleted) Object.assign(r, { deleted: true, deletedWith: id });
    }
  }

  /** Back from the recycle bin, with what was deleted with it. */
  restore(id: string): void {
    Object.assign(this.records.get(id)!, { deleted: false, deletedWith: undefined });
    for (const r of this.records.values()) if (r.deletedWith === id) Object.assign(r, { deleted: false, deletedWith: undefined });
  }

  /** Listed in the recycle bin: deleted on its own, and its customer (if any) is live. */
  inRecycleBin(r: ModelRecord): boolean {
    return r.deleted && !r.deletedWith && !(r.customerId && this.records.get(r.customerId)?.deleted);
  }

  /** Ids of the live records of `object` (or those in the recycle bin) the user may `action`. */
  visible(userId: string, object: BusinessObject, action: DataAction, recycleBin = false): Set<string> {
    return new Set(
      [...this.records.values()]
        .filter((r) => r.object === object && (recycleBin ? this.inRecycleBin(r) : !r.deleted) && this.may(userId, object, action, r))
        .map((r) => r.id),
    );
  }
}

/** mulberry32: a small seeded PRNG, so a failure replays with the same seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
