import { EntityManager } from 'typeorm';
import { UUID_PATTERN, notFound } from '@crm/kernel';

export interface HandoverPartView {
  service: string;
  status: 'pending' | 'completed';
  /** Records transferred per business object; null while pending. */
  counts: Record<string, number> | null;
  completedAt: string | null;
}

export interface HandoverView {
  id: string;
  fromUserId: string;
  toUserId: string;
  status: 'running' | 'completed';
  requestedBy: string;
  createdAt: string;
  completedAt: string | null;
  parts: HandoverPartView[];
  /** The parts' counts added up, per business object. */
  totals: Record<string, number>;
}

export const handoverNotFound = () => notFound('HANDOVER.NOT_FOUND', 'No such handover in your organisation.');

interface HandoverRow {
  id: string;
  from_user_id: string;
  to_user_id: string;
  status: HandoverView['status'];
  requested_by: string;
  created_at: Date;
  completed_at: Date | null;
  parts: { service: string; counts: Record<string, number> | null; completed_at: string | null }[];
}

const SELECT = `SELECT h.id, h.from_user_id, h.to_user_id, h.status, h.requested_by, h.created_at, h.completed_at,
  (SELECT coalesce(json_agg(json_build_object('service', p.service, 'counts', p.counts, 'completed_at', p.completed_at) ORDER BY p.service), '[]')
   FROM handover_parts p WHERE p.handover_id = h.id) AS parts
  FROM handovers h`;

function toView(r: HandoverRow): HandoverView {
  const totals: Record<string, number> = {};
  for (const p of r.parts) for (const [object, n] of Object.entries(p.counts ?? {})) totals[object] = (totals[object] ?? 0) + n;
  return {
    id: r.id,
    fromUserId: r.from_user_id,
    toUserId: r.to_user_id,
    status: r.status,
    requestedBy: r.requested_by,
    createdAt: r.created_at.toISOString(),
    completedAt: r.completed_at ? r.completed_at.toISOString() : null,
    parts: r.parts.map((p) => ({
      service: p.service,
      status: p.completed_at ? 'completed' : 'pending',
      counts: p.counts,
      completedAt: p.completed_at ? new Date(p.completed_at).toISOString() : null,
    })),
    totals,
  };
}

export async function findHandover(m: Pick<EntityManager, 'query'>, tenantId: string, id: string): Promise<HandoverView | null> {
  if (!UUID_PATTERN.test(id)) return null;
  const [row] = await m.query(`${SELECT} WHERE h.tenant_id = $1 AND h.id = $2`, [tenantId, id]);
  return row ? toView(row) : null;
}

export async function listHandovers(m: Pick<EntityManager, 'query'>, tenantId: string, page: number, pageSize: number, filters: { fromUserId?: string; status?: string }) {
  const where = ['h.tenant_id = $1'];
  const params: unknown[] = [tenantId];
  if (filters.fromUserId) where.push(`h.from_user_id = $${params.push(filters.fromUserId)}`);
  if (filters.status) where.push(`h.status = $${params.push(filters.status)}`);
  const [{ total }] = await m.query(`SELECT count(*)::int AS total FROM handovers h WHERE ${where.join(' AND ')}`, params);
  const rows: HandoverRow[] = await m.query(`${SELECT} WHERE ${where.join(' AND ')} ORDER BY h.created_at DESC, h.id DESC LIMIT ${pageSize} OFFSET ${(page - 1) * pageSize}`, params);
  return { items: rows.map(toView), total, page, pageSize };
}
