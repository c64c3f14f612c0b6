import { FieldError, validationError } from './app-error';

/**
 * List conventions for every collection endpoint:
 * `?page=1&pageSize=20&sort=-createdAt,name&<filter>=<value>`; answers `{ items, total, page, pageSize }`.
 */
export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}

export interface SortKey {
  field: string;
  direction: 'ASC' | 'DESC';
}

export interface ListQuery {
  page: number;
  pageSize: number;
  sort: SortKey[];
  filters: Record<string, string>;
}

export interface ListSpec {
  sortable: readonly string[];
  filterable: readonly string[];
  defaultSort: readonly SortKey[];
  maxPageSize?: number;
}

const RESERVED = new Set(['page', 'pageSize', 'sort']);

/** Parses and checks list parameters; unknown sort fields or filters are a 400 naming them. */
export function parseListQuery(query: Record<string, unknown>, spec: ListSpec): ListQuery {
  const errors: FieldError[] = [];
  const maxPageSize = spec.maxPageSize ?? 200;
  const int = (name: string, fallback: number, max: number): number => {
    const raw = query[name];
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (typeof raw !== 'string' || !Number.isInteger(n) || n < 1 || n > max) {
      errors.push({ field: name, message: `must be a whole number from 1 to ${max}` });
      return fallback;
    }
    return n;
  };
  const page = int('page', 1, 1_000_000);
  const pageSize = int('pageSize', 20, maxPageSize);

  let sort: SortKey[] = [...spec.defaultSort];
  if (query.sort !== undefined && query.sort !== '') {
    if (typeof query.sort !== 'string') errors.push({ field: 'sort', message: 'must be a comma-separated list of fields' });
    else {
      sort = query.sort.split(',').map((part) => {
        const desc = part.startsWith('-');
        const field = desc ? part.slice(1) : part;
        if (!spec.sortable.includes(field)) errors.push({ field: 'sort', message: `cannot sort by '${field}'; sortable: ${spec.sortable.join(', ')}` });
        return { field, direction: desc ? 'DESC' : 'ASC' } as SortKey;
      });
    }
  }

  const filters: Record<string, string> = {};
  for (const [key, value] of Object.entries(query)) {
    if (RESERVED.has(key)) continue;
    if (!spec.filterable.includes(key)) {
      errors.push({ field: key, message: `unknown filter; filterable: ${spec.filterable.join(', ') || 'none'}` });
      continue;
    }
    if (typeof value !== 'string') errors.push({ field: key, message: 'must be given once, as text' });
    else filters[key] = value;
  }
  if (errors.length) throw validationError(errors, 'The list parameters are invalid.');
  return { page, pageSize, sort, filters };
}

/** A time-range filter value (`from`, `to`): an ISO 8601 date or date-time, else an error for `field`. */
export function instantFilter(field: string, value: string | undefined, errors: FieldError[]): Date | undefined {
  if (value === undefined) return undefined;
  const d = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(d.getTime())) errors.push({ field, message: 'must be an ISO 8601 date or date-time' });
  return d;
}
