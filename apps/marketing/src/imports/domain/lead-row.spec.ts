import { mapHeaders } from './import-columns';
import { validateLeadRow } from './lead-row';

const cells = (o: Record<string, string>) => (key: string) => o[key] ?? '';

describe('lead rows', () => {
  it('accepts a row with the required fields and normalises its phone and e-mail keys', () => {
    const r = validateLeadRow(2, cells({ company: '宁波海天', name: '陈杰', phone: '+86 138-0013-8000', email: 'Chen.Jie@Example.com', tags: '展会, 重点、展会' }));
    expect(r).toEqual({
      lead: expect.objectContaining({ row: 2, company: '宁波海天', phone: '+86 138-0013-8000', phoneKey: '13800138000', emailKey: 'chen.jie@example.com', tags: ['展会', '重点'] }),
    });
  });

  it('reports every problem of a row with its field', () => {
    const r = validateLeadRow(7, cells({ company: '', name: 'x'.repeat(101), phone: 'call me', email: 'nope' }));
    expect(r).toEqual({
      errors: [
        { row: 7, field: 'company', reason: 'required' },
        { row: 7, field: 'name', reason: 'at most 100 characters' },
        { row: 7, field: 'phone', reason: 'not a phone number' },
        { row: 7, field: 'email', reason: 'not an e-mail address' },
      ],
    });
  });

  it('matches headers in Chinese, English or both, starred or not', () => {
    const { indexOf, missing } = mapHeaders('lead', ['*公司名称 company', 'NAME', '电话', 'email(邮箱)', 'unknown']);
    expect(Object.fromEntries(indexOf)).toEqual({ company: 0, name: 1, phone: 2, email: 3 });
    expect(missing).toEqual([]);
    expect(mapHeaders('lead', ['公司名称']).missing.map((c) => c.key)).toEqual(['name']);
  });
});
