/** One coded value a tenant starts with; `code` is what records store, labels are for people. */
export interface DefaultDictionaryItem {
  code: string;
  label: string;
  labelEn: string;
}

export interface DictionaryKindDefinition {
  name: string;
  nameEn: string;
  /** The record field whose values must be enabled codes of this dictionary. */
  usedBy: { object: 'customer' | 'contact'; field: string; table: string; column: string };
  defaults: DefaultDictionaryItem[];
}

const item = (code: string, label: string, labelEn: string): DefaultDictionaryItem => ({ code, label, labelEn });

/**
 * The dictionaries sales knows (seed 001: 客户类型, 客户来源, …). The set of kinds is code: each one is
 * wired to a field it validates; administrators manage the items of each kind, per tenant.
 */
export const DICTIONARY_KINDS = {
  'customer-type': {
    name: '客户类型',
    nameEn: 'Customer type',
    usedBy: { object: 'customer', field: 'type', table: 'customers', column: 'type' },
    defaults: [
      item('enterprise', '企业客户', 'Enterprise'),
      item('individual', '个人客户', 'Individual'),
      item('government', '政府/事业单位', 'Government or public institution'),
      item('distributor', '经销商/代理商', 'Distributor or agent'),
      item('partner', '合作伙伴', 'Partner'),
    ],
  },
  'customer-source': {
    name: '客户来源',
    nameEn: 'Customer source',
    usedBy: { object: 'customer', field: 'source', table: 'customers', column: 'source' },
    defaults: [
      item('exhibition', '展会', 'Exhibition'),
      item('online-promotion', '网络推广', 'Online promotion'),
      item('referral', '客户介绍', 'Customer referral'),
      item('telemarketing', '电话营销', 'Telemarketing'),
      item('inbound', '客户来电/来访', 'Inbound call or visit'),
      item('advertising', '广告', 'Advertising'),
      item('campaign', '市场活动', 'Marketing campaign'),
      item('other', '其他', 'Other'),
    ],
  },
  'customer-industry': {
    name: '所属行业',
    nameEn: 'Industry',
    usedBy: { object: 'customer', field: 'industry', table: 'customers', column: 'industry' },
    defaults: [
      item('manufacturing', '制造业', 'Manufacturing'),
      item('it', '信息技术/互联网', 'IT and internet'),
      item('finance', '金融', 'Finance'),
      item('retail', '批发零售', 'Wholesale and retail'),
      item('construction', '建筑/房地产', 'Construction and real estate'),
      item('energy', '能源/化工', 'Energy and chemicals'),
      item('logistics', '交通物流', 'Transport and logistics'),
      item('healthcare', '医疗卫生', 'Healthcare'),
      item('education', '教育', 'Education'),
      item('public-sector', '政府/公共事业', 'Public sector'),
      item('other', '其他', 'Other'),
    ],
  },
  'customer-level': {
    name: '客户级别',
    nameEn: 'Customer level',
    usedBy: { object: 'customer', field: 'level', table: 'customers', column: 'level' },
    defaults: [
      item('A', 'A类（重点客户）', 'A (key account)'),
      item('B', 'B类（普通客户）', 'B (regular)'),
      item('C', 'C类（一般客户）', 'C (minor)'),
      item('D', 'D类（潜在客户）', 'D (prospect)'),
    ],
  },
  'contact-decision-role': {
    name: '决策角色',
    nameEn: 'Decision role',
    usedBy: { object: 'contact', field: 'decisionRole', table: 'contacts', column: 'decision_role' },
    defaults: [
      item('decision-maker', '决策者', 'Decision maker'),
      item('influencer', '影响者', 'Influencer'),
      item('evaluator', '技术评估者', 'Technical evaluator'),
      item('purchaser', '采购者', 'Purchaser'),
      item('user', '使用者', 'User'),
      item('gatekeeper', '把关者', 'Gatekeeper'),
    ],
  },
} satisfies Record<string, DictionaryKindDefinition>;

export type DictionaryKind = keyof typeof DICTIONARY_KINDS;

export const DICTIONARY_KIND_NAMES = Object.keys(DICTIONARY_KINDS) as DictionaryKind[];

export const isDictionaryKind = (kind: string): kind is DictionaryKind => Object.prototype.hasOwnProperty.call(DICTIONARY_KINDS, kind);

/** Codes are stable identifiers stored on records: ASCII letters, digits, `-` and `_`. */
export const DICTIONARY_CODE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,49}$/;
