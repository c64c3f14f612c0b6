import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { RequestContext, requireAdmin } from '@crm/access';
import { BUSINESS_SERVICES, HandoverRequested } from '@crm/contracts';
import { FieldError, conflict, newId, validationError } from '@crm/kernel';
import { publishInTransaction } from '@crm/messaging';
import { HandoverView, findHandover } from './handover-view';

export interface StartHandoverInput {
  fromUserId: string;
  toUserId: string;
}

/**
 * Starts a handover (离职交接): one job, one pending part per business service, and the event that
 * sets them transferring. Asking again while the same handover runs answers that job (`created`
 * false), so a retried request starts nothing twice; asking again after it completed starts a job
 * that finds nothing left to move.
 */
@Injectable()
export class StartHandoverHandler {
  constructor(private readonly dataSource: DataSource) {}

  execute(ctx: RequestContext, input: StartHandoverInput): Promise<{ handover: HandoverView; created: boolean }> {
    requireAdmin(ctx.caller, 'Only administrators may hand a user\u2019s records over.');
    const { tenantId, userId } = ctx.caller;
    if (input.fromUserId === input.toUserId) throw validationError([{ field: 'toUserId', message: 'must be another user than fromUserId' }]);
    return this.dataSource.transaction(async (m) => {
      const users: { id: string; status: string }[] = await m.query('SELECT id, status FROM users WHERE tenant_id = $1 AND id = ANY($2::uuid[])', [
        tenantId,
        [input.fromUserId, input.toUserId],
      ]);
      const errors: FieldError[] = [];
      if (!users.some((u) => u.id === input.fromUserId)) errors.push({ field: 'fromUserId', message: 'No such user in this organisation.' });
      const receiver = users.find((u) => u.id === input.toUserId);
      if (!receiver) errors.push({ field: 'toUserId', message: 'No such user in this organisation.' });
      else if (receiver.status !== 'active') errors.push({ field: 'toUserId', message: 'The receiver is disabled.' });
      if (errors.length) throw validationError(errors);

      // Serialises handovers of one leaver: the running job, if any, is found under this lock.
      await m.query('SELECT 1 FROM users WHERE tenant_id = $1 AND id = $2 FOR UPDATE', [tenantId, input.fromUserId]);
      const [running] = await m.query("SELECT id, to_user_id FROM handovers WHERE tenant_id = $1 AND from_user_id = $2 AND status = 'running'", [tenantId, input.fromUserId]);
      if (running) {
        if (running.to_user_id !== input.toUserId) throw conflict('HANDOVER.RUNNING', 'A handover of this user to someone else is still running.');
        return { handover: (await findHandover(m, tenantId, running.id))!, created: false };
      }
      const id = newId();
      await m.query("INSERT INTO handovers (id, tenant_id, from_user_id, to_user_id, status, requested_by) VALUES ($1, $2, $3, $4, 'running', $5)", [
        id,
        tenantId,
        input.fromUserId,
        input.toUserId,
        userId,
      ]);
      for (const service of BUSINESS_SERVICES) {
        await m.query('INSERT INTO handover_parts (handover_id, tenant_id, service) VALUES ($1, $2, $3)', [id, tenantId, service]);
      }
      await publishInTransaction(m, HandoverRequested, {
        tenantId,
        subject: id,
        data: { id, tenantId, fromUserId: input.fromUserId, toUserId: input.toUserId, requestedBy: userId, requestId: ctx.requestId ?? null, ip: ctx.ip ?? null },
        traceparent: ctx.traceparent,
      });
      return { handover: (await findHandover(m, tenantId, id))!, created: true };
    });
  }
}
