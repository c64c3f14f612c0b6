import { HANDOVER_PART_EVENTS, HandoverPartCompletedData } from '@crm/contracts';
import { ConsumerOptions, EventHandler } from '@crm/messaging';

/** A service finished its part: record its counts; the job completes with its last part. */
const partCompleted: EventHandler = async (event, m) => {
  const p = event.data as HandoverPartCompletedData;
  // Parts may be applied concurrently (several identity replicas): the job's row lock orders them,
  // so the last one sees every other part completed.
  await m.query('SELECT 1 FROM handovers WHERE id = $1 AND tenant_id = $2 FOR UPDATE', [p.handoverId, p.tenantId]);
  await m.query('UPDATE handover_parts SET counts = $4, completed_at = $5 WHERE handover_id = $1 AND tenant_id = $2 AND service = $3 AND completed_at IS NULL', [
    p.handoverId,
    p.tenantId,
    p.service,
    JSON.stringify(p.counts),
    p.completedAt,
  ]);
  await m.query(
    `UPDATE handovers h SET status = 'completed', completed_at = now()
     WHERE h.id = $1 AND h.tenant_id = $2 AND h.status = 'running'
       AND NOT EXISTS (SELECT 1 FROM handover_parts p WHERE p.handover_id = h.id AND p.completed_at IS NULL)`,
    [p.handoverId, p.tenantId],
  );
};

export const handoverProgressConsumer: Omit<ConsumerOptions, 'log'> = {
  name: 'handover-progress',
  topics: HANDOVER_PART_EVENTS.map((e) => e.topic),
  handlers: Object.fromEntries(HANDOVER_PART_EVENTS.map((e) => [e.type, partCompleted])),
};
