import { EntityManager } from 'typeorm';

/**
 * Tree changes in one tenant take this lock first: two concurrent moves (A under B, B under A)
 * could otherwise each pass the cycle check, and a child created under a department being moved
 * could get a stale path.
 */
export async function lockDepartmentTree(m: EntityManager, tenantId: string): Promise<void> {
  await m.query("SELECT pg_advisory_xact_lock(hashtext('identity.departments:' || $1))", [tenantId]);
}
