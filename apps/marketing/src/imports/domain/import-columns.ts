/**
 * What a spreadsheet of each importable object holds: one column per field, headed in Chinese and
 * English (`公司名称 company`), as the downloadable template shows them. A header matches a column
 * when it is the Chinese label, the English key, or both (`公司名称 company`, `公司名称(company)`,
 * `*公司名称`); letter case, spaces and the required-field star do not matter.
 */
export const IMPORT_OBJECTS = ['lead', 'customer', 'contact'] as const;
export type ImportObject = (typeof IMPORT_OBJECTS)[number];

/** Objects whose rows the service imports today; the others have templates only. */
export const IMPORTABLE_OBJECTS: readonly ImportObject[] = ['lead'];

export interface ImportColumn {
  key: string;
  label: string;
  required: boolean;
  example: string;
  /** What the template's note row says about the column. */
  hint: string;
}

const col = (key: string, label: string, example: string, hint: string, required = false): ImportColumn => ({ key, label, required, example, hint });

export const IMPORT_COLUMNS: Record<ImportObject, ImportColumn[]> = {
  lead: [
    col('company', '公司名称', '宁波海天塑机有限公司', 'required, at most 200 characters', true),
    col('name', '联系人姓名', '陈杰', 'required, at most 100 characters', true),
    col('phone', '电话', '+86 574 8888 0000', 'a phone number (digits, spaces, + - ( ) and an extension)'),
    col('email', '邮箱', 'chen.jie@haitian.example.com', 'an e-mail address'),
    col('source', '来源', 'exhibition', 'at most 50 characters'),
    col('region', '地区', '浙江/宁波', 'at most 100 characters'),
    col('industry', '行业', 'manufacturing', 'at most 50 characters'),
    col('tags', '标签', '展会2025,重点', 'separated by , ; or 、 (at most 50, each at most 50 characters)'),
    col('remarks', '备注', '广交会索取目录', 'at most 2000 characters'),
  ],
  customer: [
    col('name', '客户名称', '宁波海天塑机有限公司', 'required, at most 200 characters', true),
    col('phone', '电话', '0574-8888 0000', 'a phone number'),
    col('email', '邮箱', 'info@haitian.example.com', 'an e-mail address'),
    col('source', '客户来源', 'exhibition', 'an enabled customer-source dictionary code'),
    col('industry', '行业', 'manufacturing', 'an enabled customer-industry dictionary code'),
    col('type', '客户类型', 'enterprise', 'an enabled customer-type dictionary code'),
    col('level', '客户级别', 'a', 'an enabled customer-level dictionary code'),
    col('region', '地区', '浙江/宁波', 'at most 100 characters'),
    col('address', '地址', '宁波市北仑区', 'at most 500 characters'),
    col('remarks', '备注', '', 'at most 2000 characters'),
  ],
  contact: [
    col('customerCode', '客户编号', 'KH-20250328-0001', 'required: the customer the contact belongs to', true),
    col('name', '姓名', '陈杰', 'required, at most 100 characters', true),
    col('title', '职务', '采购经理', 'at most 100 characters'),
    col('phones', '手机', '13800138000', 'phone numbers separated by , or ;'),
    col('email', '邮箱', 'chen.jie@haitian.example.com', 'an e-mail address'),
    col('decisionRole', '决策角色', 'decision-maker', 'an enabled contact decision-role dictionary code'),
    col('remarks', '备注', '', 'at most 2000 characters'),
  ],
};

export const headerOf = (c: ImportColumn) => `${c.label} ${c.key}`;

const squash = (s: string) => s.normalize('NFKC').replace(/[*\s]/g, '').toLowerCase();

/** The column a header cell names, if any. */
export function columnOfHeader(object: ImportObject, header: string): ImportColumn | undefined {
  const h = squash(header).replace(/[()]/g, '');
  return IMPORT_COLUMNS[object].find((c) => {
    const key = c.key.toLowerCase();
    const label = squash(c.label);
    return h === key || h === label || h === `${label}${key}` || h === `${key}${label}`;
  });
}

export interface HeaderMapping {
  /** The column index of each field found. */
  indexOf: Map<string, number>;
  /** Required columns the header row lacks. */
  missing: ImportColumn[];
}

export function mapHeaders(object: ImportObject, headers: string[]): HeaderMapping {
  const indexOf = new Map<string, number>();
  headers.forEach((h, i) => {
    const c = columnOfHeader(object, h ?? '');
    if (c && !indexOf.has(c.key)) indexOf.set(c.key, i);
  });
  return { indexOf, missing: IMPORT_COLUMNS[object].filter((c) => c.required && !indexOf.has(c.key)) };
}
