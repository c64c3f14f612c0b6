/**
 * Numbering rules (编号规则): prefix + date pattern + zero-padded serial, e.g. `KH-20250328-0001`.
 * The serial restarts each day, month or year, or never; the counter itself lives in the
 * database (see the persistence library) so parallel requests get distinct consecutive numbers.
 */
export type SerialReset = 'daily' | 'monthly' | 'yearly' | 'never';

export interface NumberingRule {
  /** e.g. `KH` for customers, `KHMX` for customer pools. */
  prefix: string;
  /** Tokens YYYY, YY, MM, DD; empty for none. */
  datePattern: string;
  serialDigits: number;
  reset: SerialReset;
  separator: string;
}

/** The counter bucket a moment falls into: one counter per rule per period. */
export function periodKey(rule: NumberingRule, at: Date): string {
  const y = String(at.getUTCFullYear());
  const m = String(at.getUTCMonth() + 1).padStart(2, '0');
  const d = String(at.getUTCDate()).padStart(2, '0');
  switch (rule.reset) {
    case 'daily':
      return `${y}${m}${d}`;
    case 'monthly':
      return `${y}${m}`;
    case 'yearly':
      return y;
    case 'never':
      return 'all';
  }
}

export function formatDate(pattern: string, at: Date): string {
  const y = String(at.getUTCFullYear());
  return pattern
    .replace('YYYY', y)
    .replace('YY', y.slice(2))
    .replace('MM', String(at.getUTCMonth() + 1).padStart(2, '0'))
    .replace('DD', String(at.getUTCDate()).padStart(2, '0'));
}

export function formatCode(rule: NumberingRule, at: Date, serial: number): string {
  const parts = [rule.prefix, formatDate(rule.datePattern, at), String(serial).padStart(rule.serialDigits, '0')];
  return parts.filter((p) => p !== '').join(rule.separator);
}
