/**
 * CSV as spreadsheets write it (RFC 4180 plus what Excel does): fields in double quotes may hold
 * separators, line breaks and doubled quotes; lines end in CRLF or LF; a UTF-8 byte-order mark
 * (Excel's "CSV UTF-8") is dropped. One pass over the text, no regex per field: imports parse
 * 100,000-row files.
 */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const n = text.length;
  let field = '';
  let quoted = false;
  let fieldStart = i;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (quoted) {
      if (c === 34 /* " */) {
        if (text.charCodeAt(i + 1) === 34) {
          field += text.slice(fieldStart, i + 1);
          i += 2;
          fieldStart = i;
          continue;
        }
        field += text.slice(fieldStart, i);
        quoted = false;
        i++;
        fieldStart = i;
        continue;
      }
      i++;
      continue;
    }
    if (c === 34 && i === fieldStart && field === '') {
      quoted = true;
      i++;
      fieldStart = i;
      continue;
    }
    if (c === 44 /* , */) {
      row.push(field + text.slice(fieldStart, i));
      field = '';
      i++;
      fieldStart = i;
      continue;
    }
    if (c === 10 || c === 13) {
      row.push(field + text.slice(fieldStart, i));
      rows.push(row);
      row = [];
      field = '';
      i += c === 13 && text.charCodeAt(i + 1) === 10 ? 2 : 1;
      fieldStart = i;
      continue;
    }
    i++;
  }
  if (fieldStart < n || field !== '' || row.length) {
    row.push(field + text.slice(fieldStart, n));
    rows.push(row);
  }
  return rows;
}

const NEEDS_QUOTES = /[",\r\n]/;

/** One CSV line per row, CRLF-terminated; fields quoted only when they must be. */
export function toCsv(rows: readonly (readonly unknown[])[]): string {
  return rows
    .map((r) =>
      r
        .map((v) => {
          const s = v === null || v === undefined ? '' : String(v);
          return NEEDS_QUOTES.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
        })
        .join(','),
    )
    .map((line) => `${line}\r\n`)
    .join('');
}
