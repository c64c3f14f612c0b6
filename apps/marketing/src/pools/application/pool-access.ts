import { EntityManager } from 'typeorm';
import { DEFAULT_ROLE_CODES } from '@crm/contracts';
import { Caller } from '@crm/access';
import { Pool, PoolKind, PoolViewer, canSeePool, poolErrors } from '../domain';
import { findPool } from '../infrastructure/pool.repository';

export const viewerOf = (caller: Caller): PoolViewer => ({ userId: caller.userId, isOrgAdmin: caller.roleCodes.includes(DEFAULT_ROLE_CODES.admin) });

/** A pool the caller may see, else 404: a pool you do not belong to does not exist for you. */
export async function visiblePool(m: EntityManager, caller: Caller, kind: PoolKind, id: string, o: { lock?: boolean } = {}): Promise<Pool> {
  const pool = await findPool(m, caller.tenantId, kind, id, o);
  if (!pool || !canSeePool(pool, viewerOf(caller))) throw poolErrors.notFound();
  return pool;
}
