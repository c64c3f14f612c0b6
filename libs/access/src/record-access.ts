import { EntityManager } from 'typeorm';
import { canAccess } from './data-scope';
import { RequestContext } from './request-context';
import { BusinessObject } from '@crm/contracts';
import { AppError, forbidden } from '@crm/kernel';

/**
 * The two answers a record gives a caller outside their scope: one they may not even view does not
 * exist for them (404, so ids leak nothing); one they may view but not change is a 403.
 */
export async function requireRecordAccess(
  m: EntityManager,
  ctx: RequestContext,
  object: BusinessObject,
  record: { id: string; ownerId: string | null },
  action: 'view' | 'edit',
  notFound: () => AppError,
): Promise<void> {
  const ref = { object, recordId: record.id, ownerId: record.ownerId };
  if (!(await canAccess(m, ctx.caller, { ...ref, action: 'view' }))) throw notFound();
  if (action === 'edit' && !(await canAccess(m, ctx.caller, { ...ref, action: 'edit' }))) {
    throw forbidden('AUTH.FORBIDDEN', `You may view this ${object} but not change it.`);
  }
}
