import { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { ListQuery } from '@crm/kernel';

/** `%text%` for ILIKE, with the caller's own `%`, `_` and `\` taken literally. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** Applies the parsed sort (by column, then id so pages never overlap) and the page window. */
export function applySortAndPage<T extends ObjectLiteral>(qb: SelectQueryBuilder<T>, q: ListQuery, columns: Record<string, string>, idColumn: string): SelectQueryBuilder<T> {
  qb.orderBy();
  for (const s of q.sort) qb.addOrderBy(columns[s.field], s.direction);
  return qb.addOrderBy(idColumn, 'ASC').offset((q.page - 1) * q.pageSize).limit(q.pageSize);
}
