import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AppError, UUID_PATTERN, newId, notFound } from '@crm/kernel';
import { DuplicateAction, DuplicateObject, DuplicateRule, FieldMatch, defaultDuplicateRules, validateRule } from '../domain';

type Queryable = Pick<EntityManager, 'query'>;

/** A rule as the API shows it. */
export interface DuplicateRuleView extends DuplicateRule {
  createdAt: string;
  updatedAt: string;
}

export type NewDuplicateRule = Omit<DuplicateRule, 'id' | 'enabled'> & { enabled?: boolean };
export type DuplicateRuleChanges = Partial<Omit<DuplicateRule, 'id' | 'object'>>;

const ruleNotFound = () => notFound('DUPLICATE.RULE_NOT_FOUND', 'No such duplicate rule in your organisation.');

const SELECT_RULE = `SELECT id, object, name, combinations, targets, action, enabled, created_at AS "createdAt", updated_at AS "updatedAt" FROM duplicate_rules`;

const toView = (r: DuplicateRuleView & { createdAt: Date | string; updatedAt: Date | string }): DuplicateRuleView => ({
  id: r.id,
  object: r.object,
  name: r.name,
  combinations: r.combinations,
  targets: r.targets,
  action: r.action,
  enabled: r.enabled,
  createdAt: new Date(r.createdAt).toISOString(),
  updatedAt: new Date(r.updatedAt).toISOString(),
});

/**
 * A tenant's rules, its defaults (domain `defaultDuplicateRules`) given on first use, like sales'
 * dictionaries: marketing hears of no new tenant, and the first lead may come before any
 * administrator opens the rules. The marker row makes it happen once, so a default an
 * administrator deleted stays deleted; two first requests racing queue on the marker's key.
 */
export async function ensureDefaultRules(m: Queryable, tenantId: string): Promise<void> {
  const rules = defaultDuplicateRules();
  // One statement, so that it is atomic even outside a transaction (the check reads without one).
  await m.query(
    `WITH fresh AS (INSERT INTO duplicate_rule_seeds (tenant_id) VALUES ($1) ON CONFLICT DO NOTHING RETURNING tenant_id)
     INSERT INTO duplicate_rules (id, tenant_id, object, name, combinations, targets, action, enabled, position)
     SELECT r.id, $1, r.object, r.name, r.combinations, r.targets, r.action, r.enabled, r.position
     FROM jsonb_to_recordset($2::jsonb) AS r(id uuid, object text, name text, combinations jsonb, targets text[], action text, enabled boolean, position int)
     WHERE EXISTS (SELECT 1 FROM fresh)`,
    [tenantId, JSON.stringify(rules.map((r, i) => ({ ...r, id: newId(), targets: `{${r.targets.join(',')}}`, position: (i + 1) * 10 })))],
  );
}

/**
 * The tenant's rules for the check, in one round trip while seeded (the common case): reads do not
 * write. Only the first use in a tenant seeds.
 */
export async function tenantRules(m: Queryable, tenantId: string): Promise<DuplicateRule[]> {
  const rows = await m.query(
    `SELECT r.id, r.object, r.name, r.combinations, r.targets, r.action, r.enabled, s.tenant_id IS NOT NULL AS seeded
     FROM (SELECT 1) one LEFT JOIN duplicate_rule_seeds s ON s.tenant_id = $1 LEFT JOIN duplicate_rules r ON r.tenant_id = $1
     ORDER BY r.position, r.created_at, r.id`,
    [tenantId],
  );
  if (!rows[0]?.seeded) {
    await ensureDefaultRules(m, tenantId);
    return tenantRules(m, tenantId);
  }
  return rows.filter((r: { id: string | null }) => r.id !== null).map(({ seeded: _, ...r }: DuplicateRule & { seeded: boolean }) => r);
}

/** 400 `DUPLICATE.INVALID_RULE` naming each problem by its path (`combinations[0][1].threshold`). */
function assertValid(rule: Omit<DuplicateRule, 'id'>): void {
  const shapeErrors = (Array.isArray(rule.combinations) ? rule.combinations : []).flatMap((c, i) =>
    (Array.isArray(c) ? c : []).flatMap((match: unknown, j) =>
      match !== null && typeof match === 'object' && !Array.isArray(match) ? [] : [{ field: `combinations[${i}][${j}]`, message: 'must be an object {field, mode, threshold?}' }],
    ),
  );
  const errors = shapeErrors.length ? shapeErrors : validateRule(rule);
  if (errors.length) throw new AppError('validation', 'DUPLICATE.INVALID_RULE', 'The duplicate rule is not valid.', errors);
}

/** Only the properties a rule has: a field match keeps field, mode and threshold. */
const cleanCombinations = (combinations: FieldMatch[][]): FieldMatch[][] =>
  combinations.map((c) => c.map(({ field, mode, threshold }) => ({ field, mode, ...(threshold !== undefined ? { threshold } : {}) })));

/** Duplicate rules: every user reads them, administrators change them (see the controller). */
@Injectable()
export class DuplicateRulesService {
  constructor(private readonly dataSource: DataSource) {}

  list(tenantId: string): Promise<DuplicateRuleView[]> {
    return this.dataSource.transaction(async (m) => {
      await ensureDefaultRules(m, tenantId);
      return (await m.query(`${SELECT_RULE} WHERE tenant_id = $1 ORDER BY position, created_at, id`, [tenantId])).map(toView);
    });
  }

  create(tenantId: string, input: NewDuplicateRule): Promise<DuplicateRuleView> {
    const rule = { ...input, enabled: input.enabled ?? true };
    assertValid(rule);
    return this.dataSource.transaction(async (m) => {
      await ensureDefaultRules(m, tenantId);
      const [row] = await m.query(
        `INSERT INTO duplicate_rules (id, tenant_id, object, name, combinations, targets, action, enabled, position)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, (SELECT COALESCE(max(position), 0) + 10 FROM duplicate_rules WHERE tenant_id = $2))
         RETURNING id, object, name, combinations, targets, action, enabled, created_at AS "createdAt", updated_at AS "updatedAt"`,
        [newId(), tenantId, rule.object, rule.name.trim(), JSON.stringify(cleanCombinations(rule.combinations)), rule.targets, rule.action, rule.enabled],
      );
      return toView(row);
    });
  }

  /** The object never changes (fields and targets depend on it): delete the rule and create another. */
  update(tenantId: string, id: string, changes: DuplicateRuleChanges): Promise<DuplicateRuleView> {
    return this.dataSource.transaction(async (m) => {
      const current = await this.find(m, tenantId, id, true);
      const merged = { ...current, ...Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined)) } as DuplicateRuleView;
      assertValid(merged);
      // An UPDATE answers [rows, count] through TypeORM.
      const [[row]] = await m.query(
        `UPDATE duplicate_rules SET name = $3, combinations = $4, targets = $5, action = $6, enabled = $7, updated_at = now()
         WHERE id = $1 AND tenant_id = $2
         RETURNING id, object, name, combinations, targets, action, enabled, created_at AS "createdAt", updated_at AS "updatedAt"`,
        [id, tenantId, merged.name.trim(), JSON.stringify(cleanCombinations(merged.combinations)), merged.targets, merged.action as DuplicateAction, merged.enabled],
      );
      return toView(row);
    });
  }

  remove(tenantId: string, id: string): Promise<void> {
    return this.dataSource.transaction(async (m) => {
      await this.find(m, tenantId, id, true);
      await m.query('DELETE FROM duplicate_rules WHERE id = $1 AND tenant_id = $2', [id, tenantId]);
    });
  }

  private async find(m: EntityManager, tenantId: string, id: string, lock: boolean): Promise<DuplicateRuleView> {
    if (!UUID_PATTERN.test(id)) throw ruleNotFound();
    await ensureDefaultRules(m, tenantId);
    const [row] = await m.query(`${SELECT_RULE} WHERE id = $1 AND tenant_id = $2${lock ? ' FOR UPDATE' : ''}`, [id, tenantId]);
    if (!row) throw ruleNotFound();
    return toView(row);
  }
}

export type { DuplicateObject };
