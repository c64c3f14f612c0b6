import { randomBytes } from 'node:crypto';
import { EntityManager, MigrationInterface, QueryRunner } from 'typeorm';
import { CloudEvent, EventDefinition, dataschemaOf } from '@crm/contracts';
import { newId } from '@crm/kernel';

export interface OutgoingEvent<T> {
  tenantId: string;
  /** The aggregate id: CloudEvent subject and Kafka key. */
  subject: string;
  data: T;
  /** W3C traceparent of the request that caused the change, when there is one. */
  traceparent?: string;
}

/**
 * Records an integration event in the caller's transaction. It is published by the relay only
 * if, and after, that transaction commits: no event for a rolled-back change, none lost when
 * the broker is down.
 */
export async function publishInTransaction<T>(manager: EntityManager, def: EventDefinition<T>, e: OutgoingEvent<T>): Promise<CloudEvent<T>> {
  if (!manager.queryRunner?.isTransactionActive) throw new Error(`${def.type} must be published inside a transaction`);
  const event: CloudEvent<T> = {
    specversion: '1.0',
    id: newId(),
    source: def.source,
    type: def.type,
    subject: e.subject,
    time: new Date().toISOString(),
    datacontenttype: 'application/json',
    dataschema: dataschemaOf(def),
    tenantid: e.tenantId,
    data: e.data,
  };
  const traceparent = e.traceparent ?? `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01`;
  await manager.query('INSERT INTO outbox (id, topic, key, event, traceparent) VALUES ($1, $2, $3, $4, $5)', [
    event.id,
    def.topic,
    e.subject,
    JSON.stringify(event),
    traceparent,
  ]);
  await manager.query("SELECT pg_notify('outbox', '')");
  return event;
}

export class MessagingTables1700000000200 implements MigrationInterface {
  name = 'MessagingTables1700000000200';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE outbox (
      seq bigserial PRIMARY KEY,
      id uuid NOT NULL UNIQUE,
      topic text NOT NULL,
      key text NOT NULL,
      event jsonb NOT NULL,
      traceparent text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      published_at timestamptz)`);
    await q.query('CREATE INDEX outbox_unpublished ON outbox (seq) WHERE published_at IS NULL');
    await q.query(`CREATE TABLE inbox (
      event_id uuid NOT NULL,
      consumer text NOT NULL,
      handled_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (event_id, consumer))`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE inbox');
    await q.query('DROP TABLE outbox');
  }
}
