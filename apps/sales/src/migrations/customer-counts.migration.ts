import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The body of customers' counting trigger function; `owner` is the expression counted as the
 * owner (CustomerPools1700000002100 replaces it so that pooled customers, with no owner, count
 * under a sentinel owner).
 */
export function customerCountsAddBody(owner: string): string {
  // One function for customers' triggers; each branch reads only the transition tables its event has.
  const addDeltas = (deltas: string) => `
          WITH d AS (
            SELECT tenant_id, owner_id, sum(delta) AS delta FROM (${deltas}) x GROUP BY tenant_id, owner_id HAVING sum(delta) <> 0),
          o AS (
            INSERT INTO customer_owner_counts AS k (tenant_id, owner_id, department_id, live)
            SELECT d.tenant_id, d.owner_id, (SELECT u.department_id FROM org_users u WHERE u.id = d.owner_id AND u.tenant_id = d.tenant_id), d.delta
            FROM d ORDER BY d.tenant_id, d.owner_id
            ON CONFLICT (tenant_id, owner_id) DO UPDATE SET live = k.live + EXCLUDED.live
            RETURNING k.tenant_id, k.owner_id, k.department_id)
          INSERT INTO customer_department_counts AS g (tenant_id, department_id, live)
          SELECT o.tenant_id, o.department_id, sum(d.delta) FROM o JOIN d ON d.tenant_id = o.tenant_id AND d.owner_id = o.owner_id
          WHERE o.department_id IS NOT NULL
          GROUP BY o.tenant_id, o.department_id ORDER BY o.tenant_id, o.department_id
          ON CONFLICT (tenant_id, department_id) DO UPDATE SET live = g.live + EXCLUDED.live;`;
  const plus = `SELECT tenant_id, ${owner} AS owner_id, 1 AS delta FROM new_rows WHERE deleted_at IS NULL`;
  const minus = `SELECT tenant_id, ${owner} AS owner_id, -1 AS delta FROM old_rows WHERE deleted_at IS NULL`;
  return `RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'INSERT' THEN${addDeltas(plus)}
        ELSIF TG_OP = 'UPDATE' THEN${addDeltas(`${plus} UNION ALL ${minus}`)}
        ELSIF TG_OP = 'DELETE' THEN${addDeltas(minus)}
        ELSE -- TRUNCATE
          UPDATE customer_owner_counts SET live = 0 WHERE live <> 0;
          DELETE FROM customer_department_counts;
        END IF;
        RETURN NULL;
      END $$`;
}

/**
 * Live customers (not in the recycle bin) per owner and per owner's department, kept exact by
 * triggers in the writing transaction, so that a list's `total` sums counters instead of counting
 * index entries: counting the 360k customers of a large subtree takes about 60 ms, summing its
 * 364 department counters well under one (bench/customers.bench.ts).
 *
 * Invariants:
 * - customer_owner_counts: `live` = the owner's live customers; `department_id` = the owner's
 *   department in org_users (null while the projection lacks them);
 * - customer_department_counts: `live` = the sum of `live` over the owners whose `department_id`
 *   it is.
 * Every writer locks the owner's counter first (an upsert), then department counters in id order:
 * - customers' triggers add to the owner's `live` (setting the department only when they create
 *   the row) and to the department the locked row names;
 * - org_users' triggers (a user arrives, moves, leaves) lock the row, set the new department and
 *   move the owner's `live` from the old department's counter to the new one's.
 * So a customer written while its owner moves is counted under one department or the other, never
 * lost; a concurrent writer of the same owner or department waits until the first commits.
 *
 * Customers' triggers are statement-level with transition tables: a bulk change (a handover moving
 * every record of a leaver) makes one upsert per owner and per department, in key order; an edit
 * that neither moves a customer between owners nor in or out of the recycle bin nets to zero and
 * writes nothing.
 */
export class CustomerCounts1700000001100 implements MigrationInterface {
  name = 'CustomerCounts1700000001100';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE customer_owner_counts (
      tenant_id uuid NOT NULL,
      owner_id uuid NOT NULL,
      department_id uuid,
      live bigint NOT NULL,
      PRIMARY KEY (tenant_id, owner_id))`);
    await q.query(`CREATE TABLE customer_department_counts (
      tenant_id uuid NOT NULL,
      department_id uuid NOT NULL,
      live bigint NOT NULL,
      PRIMARY KEY (tenant_id, department_id))`);

    await q.query(`CREATE FUNCTION customer_counts_add() ${customerCountsAddBody('owner_id')}`);

    await q.query(`CREATE FUNCTION customer_counts_move_owner() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        user_tenant uuid := CASE WHEN TG_OP = 'DELETE' THEN OLD.tenant_id ELSE NEW.tenant_id END;
        user_id uuid := CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END;
        moved_to uuid := CASE WHEN TG_OP = 'DELETE' THEN NULL ELSE NEW.department_id END;
        moved_from uuid;
        n bigint;
        created integer;
      BEGIN
        -- The row exists from here on (waiting for a writer creating it), and a new one has nothing to move.
        INSERT INTO customer_owner_counts (tenant_id, owner_id, department_id, live) VALUES (user_tenant, user_id, moved_to, 0) ON CONFLICT DO NOTHING;
        GET DIAGNOSTICS created = ROW_COUNT;
        IF created = 1 THEN RETURN NULL; END IF;
        SELECT department_id, live INTO moved_from, n FROM customer_owner_counts WHERE tenant_id = user_tenant AND owner_id = user_id FOR UPDATE;
        IF moved_from IS NOT DISTINCT FROM moved_to THEN RETURN NULL; END IF;
        UPDATE customer_owner_counts SET department_id = moved_to WHERE tenant_id = user_tenant AND owner_id = user_id;
        IF n <> 0 THEN
          INSERT INTO customer_department_counts AS g (tenant_id, department_id, live)
          SELECT user_tenant, v.department_id, v.delta FROM (VALUES (moved_from, -n), (moved_to, n)) AS v(department_id, delta)
          WHERE v.department_id IS NOT NULL ORDER BY v.department_id
          ON CONFLICT (tenant_id, department_id) DO UPDATE SET live = g.live + EXCLUDED.live;
        END IF;
        RETURN NULL;
      END $$`);

    // Writers wait from here to the backfill: none is missed, none counted twice.
    await q.query('LOCK TABLE customers, org_users IN SHARE ROW EXCLUSIVE MODE');
    await q.query(`CREATE TRIGGER customers_count_insert AFTER INSERT ON customers REFERENCING NEW TABLE AS new_rows
      FOR EACH STATEMENT EXECUTE FUNCTION customer_counts_add()`);
    await q.query(`CREATE TRIGGER customers_count_update AFTER UPDATE ON customers REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
      FOR EACH STATEMENT EXECUTE FUNCTION customer_counts_add()`);
    await q.query(`CREATE TRIGGER customers_count_delete AFTER DELETE ON customers REFERENCING OLD TABLE AS old_rows
      FOR EACH STATEMENT EXECUTE FUNCTION customer_counts_add()`);
    await q.query('CREATE TRIGGER customers_count_truncate AFTER TRUNCATE ON customers FOR EACH STATEMENT EXECUTE FUNCTION customer_counts_add()');
    await q.query('CREATE TRIGGER org_users_count_insert AFTER INSERT ON org_users FOR EACH ROW EXECUTE FUNCTION customer_counts_move_owner()');
    await q.query(`CREATE TRIGGER org_users_count_update AFTER UPDATE ON org_users
      FOR EACH ROW WHEN (OLD.department_id IS DISTINCT FROM NEW.department_id) EXECUTE FUNCTION customer_counts_move_owner()`);
    await q.query('CREATE TRIGGER org_users_count_delete AFTER DELETE ON org_users FOR EACH ROW EXECUTE FUNCTION customer_counts_move_owner()');
    await q.query(`INSERT INTO customer_owner_counts (tenant_id, owner_id, department_id, live)
      SELECT c.tenant_id, c.owner_id, (SELECT u.department_id FROM org_users u WHERE u.id = c.owner_id AND u.tenant_id = c.tenant_id), count(*)
      FROM customers c WHERE c.deleted_at IS NULL GROUP BY c.tenant_id, c.owner_id`);
    await q.query(`INSERT INTO customer_department_counts (tenant_id, department_id, live)
      SELECT tenant_id, department_id, sum(live) FROM customer_owner_counts WHERE department_id IS NOT NULL GROUP BY tenant_id, department_id`);
  }
  async down(q: QueryRunner): Promise<void> {
    for (const t of ['org_users_count_delete', 'org_users_count_update', 'org_users_count_insert']) await q.query(`DROP TRIGGER ${t} ON org_users`);
    for (const t of ['customers_count_truncate', 'customers_count_delete', 'customers_count_update', 'customers_count_insert']) await q.query(`DROP TRIGGER ${t} ON customers`);
    await q.query('DROP FUNCTION customer_counts_move_owner()');
    await q.query('DROP FUNCTION customer_counts_add()');
    await q.query('DROP TABLE customer_department_counts');
    await q.query('DROP TABLE customer_owner_counts');
  }
}
