import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { RecordShare, RequestContext, ShareAccess, addShare, listShares, requireRecordAccess, revokeShare } from '@crm/access';
import { notFound, validationError } from '@crm/kernel';
import { audit } from '../audit';
import { customerNotFound, findCustomer } from './customer-view';

export interface ShareCustomerInput {
  userId?: string;
  departmentId?: string;
  access: ShareAccess;
  expiresAt?: string;
}

/** Whoever may edit a customer (its owner, editors, those above them) may share it. */
@Injectable()
export class ShareCustomerHandler {
  constructor(private readonly dataSource: DataSource) {}

  execute(ctx: RequestContext, id: string, input: ShareCustomerInput): Promise<RecordShare> {
    const expiresAt = input.expiresAt ? new Date(input.expiresAt) : null;
    if (expiresAt && expiresAt.getTime() <= Date.now()) throw validationError([{ field: 'expiresAt', message: 'must be in the future' }]);
    return this.dataSource.transaction(async (m) => {
      const customer = await findCustomer(m, ctx.caller.tenantId, id);
      if (!customer) throw customerNotFound();
      await requireRecordAccess(m, ctx, 'customer', customer, 'edit', customerNotFound);
      const share = await addShare(m, ctx.caller, { object: 'customer', recordId: id, userId: input.userId, departmentId: input.departmentId, access: input.access, expiresAt });
      const { userId, departmentId, access } = share;
      await audit(m, ctx, { objectType: 'customer', objectId: id, action: 'share', after: { shareId: share.id, userId, departmentId, access, expiresAt: share.expiresAt } });
      return share;
    });
  }
}

const shareNotFound = () => notFound('SHARE.NOT_FOUND', 'No such share of this customer.');

/** The shares of a customer, expired ones included; for those who may edit it (who manage its shares). */
@Injectable()
export class CustomerSharesHandler {
  constructor(private readonly dataSource: DataSource) {}

  list(ctx: RequestContext, id: string): Promise<RecordShare[]> {
    return this.dataSource.transaction(async (m) => {
      const customer = await findCustomer(m, ctx.caller.tenantId, id);
      if (!customer) throw customerNotFound();
      await requireRecordAccess(m, ctx, 'customer', customer, 'edit', customerNotFound);
      return listShares(m, ctx.caller, { object: 'customer', recordId: id });
    });
  }

  /** Ends a share at once: the next request of its grantee no longer sees (or edits) the customer through it. */
  revoke(ctx: RequestContext, id: string, shareId: string): Promise<void> {
    return this.dataSource.transaction(async (m) => {
      const customer = await findCustomer(m, ctx.caller.tenantId, id);
      if (!customer) throw customerNotFound();
      await requireRecordAccess(m, ctx, 'customer', customer, 'edit', customerNotFound);
      const share = (await listShares(m, ctx.caller, { object: 'customer', recordId: id })).find((s) => s.id === shareId);
      if (!share || !(await revokeShare(m, ctx.caller, shareId))) throw shareNotFound();
      const { userId, departmentId, access, expiresAt } = share;
      await audit(m, ctx, { objectType: 'customer', objectId: id, action: 'unshare', before: { shareId, userId, departmentId, access, expiresAt } });
    });
  }
}
