import { EntityManager } from 'typeorm';
import { newId, validationError } from '@crm/kernel';
import { Caller } from './token-verifier';
import { BusinessObject } from '@crm/contracts';

export type ShareAccess = 'read' | 'edit';

/** To one user, or to every member of one department (not its sub-departments). */
export interface ShareGrant {
  object: BusinessObject;
  recordId: string;
  userId?: string | null;
  departmentId?: string | null;
  /** `read`: query and view; `edit`: also change. */
  access: ShareAccess;
  /** The share stops granting anything at this time; never when null. */
  expiresAt?: Date | null;
}

export interface RecordShare {
  id: string;
  object: BusinessObject;
  recordId: string;
  userId: string | null;
  departmentId: string | null;
  access: ShareAccess;
  expiresAt: Date | null;
  createdBy: string;
  createdAt: Date;
}

export interface RecordRefKey {
  object: BusinessObject;
  recordId: string;
}

const SHARE_COLUMNS = `id, object, record_id AS "recordId", user_id AS "userId", department_id AS "departmentId", access,
  expires_at AS "expiresAt", created_by AS "createdBy", created_at AS "createdAt"`;

/**
 * Shares a record (the caller's application checks first that the caller may edit it). Sharing
 * the same record with the same user or department again replaces the access and the expiry.
 */
export async function addShare(m: EntityManager, caller: Caller, g: ShareGrant): Promise<RecordShare> {
  const userId = g.userId ?? null;
  const departmentId = g.departmentId ?? null;
  if ((userId === null) === (departmentId === null)) {
    throw validationError([{ field: 'userId', message: 'Share with exactly one user or one department.' }]);
  }
  if (g.access !== 'read' && g.access !== 'edit') throw validationError([{ field: 'access', message: "access must be 'read' or 'edit'." }]);
  const [grantee] = userId
    ? await m.query('SELECT 1 FROM org_users WHERE id = $1 AND tenant_id = $2', [userId, caller.tenantId])
    : await m.query('SELECT 1 FROM org_departments WHERE id = $1 AND tenant_id = $2', [departmentId, caller.tenantId]);
  if (!grantee) throw validationError([{ field: userId ? 'userId' : 'departmentId', message: 'No such user or department in this organisation.' }]);
  const target = userId ? '(tenant_id, object, user_id, record_id) WHERE user_id IS NOT NULL' : '(tenant_id, object, department_id, record_id) WHERE department_id IS NOT NULL';
  const [row] = await m.query(
    `INSERT INTO record_shares (id, tenant_id, object, record_id, user_id, department_id, access, expires_at, created_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
     ON CONFLICT ${target} DO UPDATE SET access = EXCLUDED.access, expires_at = EXCLUDED.expires_at, created_by = EXCLUDED.created_by, created_at = now()
     RETURNING ${SHARE_COLUMNS}`,
    [newId(), caller.tenantId, g.object, g.recordId, userId, departmentId, g.access, g.expiresAt ?? null, caller.userId],
  );
  return row;
}

/** Ends a share; false when the tenant has no such share. */
export async function revokeShare(m: EntityManager, caller: Caller, shareId: string): Promise<boolean> {
  // A CTE, because TypeORM answers a bare DELETE with [rows, count].
  const rows = await m.query('WITH gone AS (DELETE FROM record_shares WHERE id = $1 AND tenant_id = $2 RETURNING id) SELECT id FROM gone', [shareId, caller.tenantId]);
  return rows.length > 0;
}

/** The shares of one record, expired ones included (they show when the access ended). */
export async function listShares(m: EntityManager, caller: Caller, r: RecordRefKey): Promise<RecordShare[]> {
  return m.query(`SELECT ${SHARE_COLUMNS} FROM record_shares WHERE tenant_id = $1 AND object = $2 AND record_id = $3 ORDER BY created_at, id`, [
    caller.tenantId,
    r.object,
    r.recordId,
  ]);
}

/** Collaborators (the seeds' 协作人) may view and edit the record, like its owner. */
export async function addCollaborator(m: EntityManager, caller: Caller, r: RecordRefKey, userId: string): Promise<void> {
  const [user] = await m.query('SELECT 1 FROM org_users WHERE id = $1 AND tenant_id = $2', [userId, caller.tenantId]);
  if (!user) throw validationError([{ field: 'userId', message: 'No such user in this organisation.' }]);
  await m.query('INSERT INTO record_collaborators (tenant_id, object, record_id, user_id) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING', [
    caller.tenantId,
    r.object,
    r.recordId,
    userId,
  ]);
}

export async function removeCollaborator(m: EntityManager, caller: Caller, r: RecordRefKey, userId: string): Promise<boolean> {
  const rows = await m.query(
    'WITH gone AS (DELETE FROM record_collaborators WHERE tenant_id = $1 AND object = $2 AND record_id = $3 AND user_id = $4 RETURNING user_id) SELECT user_id FROM gone',
    [caller.tenantId, r.object, r.recordId, userId],
  );
  return rows.length > 0;
}

export async function listCollaborators(m: EntityManager, caller: Caller, r: RecordRefKey): Promise<string[]> {
  const rows = await m.query('SELECT user_id FROM record_collaborators WHERE tenant_id = $1 AND object = $2 AND record_id = $3 ORDER BY created_at, user_id', [
    caller.tenantId,
    r.object,
    r.recordId,
  ]);
  return rows.map((r: { user_id: string }) => r.user_id);
}
