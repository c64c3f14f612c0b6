import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, In } from 'typeorm';
import { AppError, conflict, notFound } from '@crm/kernel';
import { DictionaryItemEntity } from './dictionary-item.entity';
import { DICTIONARY_KINDS, DICTIONARY_KIND_NAMES, DictionaryKind, isDictionaryKind } from './dictionary-kinds';

export interface DictionaryItemView {
  kind: string;
  code: string;
  label: string;
  labelEn: string | null;
  sort: number;
  enabled: boolean;
}

export interface DictionaryView {
  kind: DictionaryKind;
  name: string;
  nameEn: string;
  /** The record field it codes, e.g. `customer.level`. */
  field: string;
  items: DictionaryItemView[];
}

export interface NewDictionaryItem {
  code: string;
  label: string;
  labelEn?: string | null;
  sort?: number;
}

export type DictionaryItemChanges = Partial<Pick<DictionaryItemView, 'label' | 'labelEn' | 'sort' | 'enabled'>>;

const unknownKind = (kind: string) =>
  notFound('DICTIONARY.UNKNOWN_KIND', `There is no dictionary '${kind}'; the dictionaries are ${DICTIONARY_KIND_NAMES.join(', ')}.`);
const itemNotFound = (kind: string, code: string) => notFound('DICTIONARY.ITEM_NOT_FOUND', `The dictionary '${kind}' has no item '${code}'.`);

const SEED_SORT_STEP = 10;

/**
 * Gives a tenant the default items of every kind it has not had them for, in the caller's
 * transaction. Seeding is lazy, on the first read or validation that needs a dictionary, because
 * sales hears of no new tenant (its org projection consumes department, user and data-rule events
 * only) and a tenant's first customer may come before any administrator opens the dictionaries.
 * The marker row per (tenant, kind) makes it happen once, so a default an administrator deleted
 * stays deleted and a kind added in a later release still gets its defaults; two first requests
 * racing queue on the marker's key and the second one inserts nothing. A rolled-back transaction
 * takes its seeding with it, and the next request seeds again.
 */
export async function ensureDefaultDictionaries(m: EntityManager, tenantId: string): Promise<void> {
  const fresh: { kind: DictionaryKind }[] = await m.query(
    'INSERT INTO dictionary_seeds (tenant_id, kind) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING RETURNING kind',
    [tenantId, DICTIONARY_KIND_NAMES],
  );
  if (!fresh.length) return;
  const rows = fresh.flatMap(({ kind }) => DICTIONARY_KINDS[kind].defaults.map((d, i) => ({ kind, ...d, sort: (i + 1) * SEED_SORT_STEP })));
  await m.query(
    `INSERT INTO dictionary_items (tenant_id, kind, code, label, label_en, sort)
     SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::int[])
     ON CONFLICT DO NOTHING`,
    [tenantId, rows.map((r) => r.kind), rows.map((r) => r.code), rows.map((r) => r.label), rows.map((r) => r.labelEn), rows.map((r) => r.sort)],
  );
}

/**
 * Refuses (400 `DICTIONARY.INVALID_CODE`, naming each field and its allowed codes) a customer's or
 * contact's coded fields that are not enabled codes of the tenant's dictionaries. Only the fields
 * given are checked, `null` clears one, and a value equal to the record's `current` one passes: a
 * record keeps a code that was disabled after it was set. The checked items are held FOR KEY SHARE
 * until the transaction ends, so an item cannot be deleted between this check and the write.
 */
export async function assertDictionaryCodes(
  m: EntityManager,
  tenantId: string,
  object: 'customer' | 'contact',
  input: object,
  current?: object | null,
): Promise<void> {
  const given = input as Record<string, unknown>;
  const was = (current ?? {}) as Record<string, unknown>;
  const wanted = DICTIONARY_KIND_NAMES.filter((kind) => DICTIONARY_KINDS[kind].usedBy.object === object)
    .map((kind) => ({ kind, field: DICTIONARY_KINDS[kind].usedBy.field, code: given[DICTIONARY_KINDS[kind].usedBy.field] }))
    .filter((w): w is { kind: DictionaryKind; field: string; code: string } => typeof w.code === 'string' && w.code !== was[w.field]);
  if (!wanted.length) return;
  await ensureDefaultDictionaries(m, tenantId);
  const found: { kind: string; code: string }[] = await m.query(
    `SELECT kind, code FROM dictionary_items
     WHERE tenant_id = $1 AND enabled AND (kind, code) IN (SELECT * FROM unnest($2::text[], $3::text[]))
     FOR KEY SHARE`,
    [tenantId, wanted.map((w) => w.kind), wanted.map((w) => w.code)],
  );
  const bad = wanted.filter((w) => !found.some((f) => f.kind === w.kind && f.code === w.code));
  if (!bad.length) return;
  const allowed: { kind: string; codes: string[] }[] = await m.query(
    `SELECT kind, array_agg(code ORDER BY sort, code) AS codes FROM dictionary_items
     WHERE tenant_id = $1 AND enabled AND kind = ANY($2) GROUP BY kind`,
    [tenantId, bad.map((w) => w.kind)],
  );
  throw new AppError(
    'validation',
    'DICTIONARY.INVALID_CODE',
    'Some fields are not enabled codes of their dictionaries.',
    bad.map((w) => ({
      field: w.field,
      message: `must be an enabled code of the dictionary '${w.kind}': ${(allowed.find((a) => a.kind === w.kind)?.codes ?? []).join(', ') || '(none enabled)'}`,
    })),
  );
}

const toView = (e: DictionaryItemEntity): DictionaryItemView => ({ kind: e.kind, code: e.code, label: e.label, labelEn: e.labelEn, sort: e.sort, enabled: e.enabled });

/** Data dictionaries: every user of a tenant reads them, administrators change them (see the controller). */
@Injectable()
export class DictionariesService {
  constructor(private readonly dataSource: DataSource) {}

  list(tenantId: string, enabledOnly: boolean): Promise<DictionaryView[]> {
    return this.dataSource.transaction(async (m) => {
      await ensureDefaultDictionaries(m, tenantId);
      const items = await this.items(m, tenantId, DICTIONARY_KIND_NAMES, enabledOnly);
      return DICTIONARY_KIND_NAMES.map((kind) => this.dictionary(kind, items.filter((i) => i.kind === kind)));
    });
  }

  get(tenantId: string, kind: string, enabledOnly: boolean): Promise<DictionaryView> {
    const k = this.kindOf(kind);
    return this.dataSource.transaction(async (m) => {
      await ensureDefaultDictionaries(m, tenantId);
      return this.dictionary(k, await this.items(m, tenantId, [k], enabledOnly));
    });
  }

  /** 409 `DICTIONARY.ITEM_EXISTS` when the code is taken in this dictionary, in any letter case. */
  add(tenantId: string, kind: string, input: NewDictionaryItem): Promise<DictionaryItemView> {
    const k = this.kindOf(kind);
    return this.dataSource.transaction(async (m) => {
      await ensureDefaultDictionaries(m, tenantId);
      const rows: DictionaryItemEntity[] = await m.query(
        `INSERT INTO dictionary_items (tenant_id, kind, code, label, label_en, sort)
         VALUES ($1, $2, $3, $4, $5, COALESCE($6, (SELECT COALESCE(max(sort), 0) + ${SEED_SORT_STEP} FROM dictionary_items WHERE tenant_id = $1 AND kind = $2)))
         ON CONFLICT DO NOTHING
         RETURNING kind, code, label, label_en AS "labelEn", sort, enabled`,
        [tenantId, k, input.code, input.label, input.labelEn ?? null, input.sort ?? null],
      );
      if (!rows.length) {
        throw conflict('DICTIONARY.ITEM_EXISTS', `The dictionary '${k}' already has the code '${input.code}'.`, [{ field: 'code', message: 'is taken in this dictionary' }]);
      }
      return toView(rows[0]);
    });
  }

  update(tenantId: string, kind: string, code: string, changes: DictionaryItemChanges): Promise<DictionaryItemView> {
    const k = this.kindOf(kind);
    return this.dataSource.transaction(async (m) => {
      await ensureDefaultDictionaries(m, tenantId);
      const repo = m.getRepository(DictionaryItemEntity);
      const item = await repo.findOne({ where: { tenantId, kind: k, code }, lock: { mode: 'pessimistic_write' } });
      if (!item) throw itemNotFound(k, code);
      const set: Partial<DictionaryItemEntity> = {};
      for (const key of ['label', 'labelEn', 'sort', 'enabled'] as const) if (changes[key] !== undefined) Object.assign(set, { [key]: changes[key] });
      Object.assign(item, set, { updatedAt: new Date() });
      await repo.update({ tenantId, kind: k, code }, { ...set, updatedAt: item.updatedAt });
      return toView(item);
    });
  }

  /**
   * Deletes an item no record uses. One a customer or contact uses (the recycle bin included, as a
   * restore brings it back) is refused with 409 `DICTIONARY.ITEM_IN_USE`: disable it instead, which
   * keeps the records' codes meaningful while no new record can take it. The item is locked first,
   * so a record validated against it (FOR KEY SHARE) is either committed and seen here, or refused.
   */
  remove(tenantId: string, kind: string, code: string): Promise<void> {
    const k = this.kindOf(kind);
    return this.dataSource.transaction(async (m) => {
      await ensureDefaultDictionaries(m, tenantId);
      const repo = m.getRepository(DictionaryItemEntity);
      const item = await repo.findOne({ where: { tenantId, kind: k, code }, lock: { mode: 'pessimistic_write' } });
      if (!item) throw itemNotFound(k, code);
      const { table, column } = DICTIONARY_KINDS[k].usedBy;
      const used = await m.query(`SELECT 1 FROM ${table} WHERE tenant_id = $1 AND ${column} = $2 LIMIT 1`, [tenantId, code]);
      if (used.length) {
        throw conflict('DICTIONARY.ITEM_IN_USE', `Records use '${code}' of the dictionary '${k}': disable it instead (PATCH with enabled false).`);
      }
      await repo.delete({ tenantId, kind: k, code });
    });
  }

  private kindOf(kind: string): DictionaryKind {
    if (!isDictionaryKind(kind)) throw unknownKind(kind);
    return kind;
  }

  private async items(m: EntityManager, tenantId: string, kinds: DictionaryKind[], enabledOnly: boolean): Promise<DictionaryItemView[]> {
    const rows = await m.getRepository(DictionaryItemEntity).find({
      where: { tenantId, kind: In(kinds), ...(enabledOnly ? { enabled: true } : {}) },
      order: { sort: 'ASC', code: 'ASC' },
    });
    return rows.map(toView);
  }

  private dictionary(kind: DictionaryKind, items: DictionaryItemView[]): DictionaryView {
    const { name, nameEn, usedBy } = DICTIONARY_KINDS[kind];
    return { kind, name, nameEn, field: `${usedBy.object}.${usedBy.field}`, items };
  }
}
