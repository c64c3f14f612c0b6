import { Workbook } from 'exceljs';
import { parseCsv, toCsv } from '../domain/csv';
import { IMPORT_COLUMNS, ImportObject, headerOf } from '../domain/import-columns';

export type SpreadsheetFormat = 'csv' | 'xlsx';

/** Why a file is not one this service reads, as the 400 tells it. */
export class NotASpreadsheet extends Error {}

const ZIP = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
const OLE = Buffer.from([0xd0, 0xcf, 0x11, 0xe0]);

/**
 * The format of an uploaded file, from its bytes (names and content types lie): an XLSX is a zip;
 * anything else must be text (no NUL bytes) to be read as CSV.
 */
export function detectFormat(content: Buffer): SpreadsheetFormat {
  if (!content.length) throw new NotASpreadsheet('The file is empty.');
  if (content.subarray(0, 4).equals(ZIP)) return 'xlsx';
  if (content.subarray(0, 4).equals(OLE)) throw new NotASpreadsheet('Old Excel (.xls) files are not read: save the sheet as .xlsx or CSV UTF-8.');
  if (content.subarray(0, 64 * 1024).includes(0)) throw new NotASpreadsheet('The file is neither an XLSX workbook nor CSV text.');
  return 'csv';
}

/** CSV text: UTF-8 (with or without Excel's BOM), else GB18030, which Excel writes for "CSV (逗号分隔)" on Chinese Windows. */
export function decodeCsv(content: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(content);
  } catch {
    return new TextDecoder('gb18030').decode(content);
  }
}

/** The rows of the file's first sheet, every cell as trimmed text (the first row is the header). */
export async function readRows(content: Buffer, format: SpreadsheetFormat): Promise<string[][]> {
  if (format === 'csv') return parseCsv(decodeCsv(content)).map((r) => r.map((c) => c.trim()));
  const workbook = new Workbook();
  try {
    await workbook.xlsx.load(content as unknown as ArrayBuffer);
  } catch (err) {
    throw new NotASpreadsheet(`The file is not a readable XLSX workbook (${(err as Error).message}).`);
  }
  const sheet = workbook.worksheets[0];
  if (!sheet) throw new NotASpreadsheet('The workbook has no worksheet.');
  const rows: string[][] = [];
  sheet.eachRow({ includeEmpty: true }, (row, number) => {
    const values = row.values as unknown[];
    const cells: string[] = [];
    for (let i = 1; i < values.length; i++) cells.push(cellText(values[i]).trim());
    rows[number - 1] = cells;
  });
  for (let i = 0; i < rows.length; i++) rows[i] ??= [];
  return rows;
}

function cellText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v instanceof Date) return v.toISOString();
  const o = v as { richText?: { text: string }[]; text?: unknown; result?: unknown; error?: string };
  if (o.richText) return o.richText.map((r) => r.text).join('');
  if (o.text !== undefined) return cellText(o.text);
  if ('result' in o) return cellText(o.result);
  return '';
}

/** The template of an object: the header row, an example row, and (XLSX) a sheet of notes per column. */
export async function template(object: ImportObject, format: SpreadsheetFormat): Promise<Buffer> {
  const columns = IMPORT_COLUMNS[object];
  if (format === 'csv') return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(toCsv([columns.map(headerOf), columns.map((c) => c.example)]))]);
  const workbook = new Workbook();
  workbook.creator = 'CRM';
  const sheet = workbook.addWorksheet(object);
  sheet.addRow(columns.map((c) => (c.required ? `*${headerOf(c)}` : headerOf(c))));
  sheet.addRow(columns.map((c) => c.example));
  sheet.getRow(1).font = { bold: true };
  columns.forEach((c, i) => {
    sheet.getColumn(i + 1).width = Math.max(16, headerOf(c).length * 2);
    // Text format, so phone numbers and codes keep their leading zeros and plus signs.
    sheet.getColumn(i + 1).numFmt = '@';
  });
  const notes = workbook.addWorksheet('说明 notes');
  notes.addRow(['列 column', '必填 required', '说明 notes']);
  for (const c of columns) notes.addRow([headerOf(c), c.required ? '是 yes' : '否 no', c.hint]);
  notes.addRow([]);
  notes.addRow(['The first sheet is imported; its first row must be the header. Delete the example row before importing.']);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** For tests and benchmarks: an XLSX workbook of these rows (the first is the header). */
export async function xlsxOf(rows: string[][]): Promise<Buffer> {
  const workbook = new Workbook();
  const sheet = workbook.addWorksheet('data');
  for (const r of rows) sheet.addRow(r);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
