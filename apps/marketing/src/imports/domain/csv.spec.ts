import { parseCsv, toCsv } from './csv';

describe('CSV', () => {
  it('reads quoted fields with separators, line breaks and doubled quotes, CRLF or LF, and drops a BOM', () => {
    const text = '\ufeffa,b,c\r\n"x, y","line\r\nbreak","say ""hi"""\n1,,3\r\n';
    expect(parseCsv(text)).toEqual([
      ['a', 'b', 'c'],
      ['x, y', 'line\r\nbreak', 'say "hi"'],
      ['1', '', '3'],
    ]);
  });

  it('keeps a last line without a line break, and empty quoted fields', () => {
    expect(parseCsv('a,""\n"",b')).toEqual([['a', ''], ['', 'b']]);
    expect(parseCsv('')).toEqual([]);
  });

  it('writes what it reads', () => {
    const rows = [['row', 'field', 'reason'], ['2', 'company', 'required'], ['3', 'email', 'not "valid", at all\nreally']];
    expect(parseCsv(toCsv(rows))).toEqual(rows);
  });
});
