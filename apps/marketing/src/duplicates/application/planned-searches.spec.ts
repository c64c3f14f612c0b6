import { DuplicateRule, defaultDuplicateRules, normaliseRecord } from '../domain';
import { plannedSearches } from './check-duplicates';

const rule = (over: Partial<DuplicateRule> & Pick<DuplicateRule, 'object' | 'combinations'>): DuplicateRule => ({
  id: 'r',
  name: 'r',
  targets: [over.object],
  action: 'warn',
  enabled: true,
  ...over,
});

describe('plannedSearches', () => {
  it('runs one search per combination the probe has fields for, on the kind that narrows most', () => {
    const probe = normaliseRecord('lead', { company: '杭州联合机械有限公司', phone: '0571-88880000', email: 'A@B.cn' });
    expect(plannedSearches(defaultDuplicateRules(), probe)).toEqual([
      { kind: 'companyName', mode: 'fuzzy', keys: ['杭州联合机械'], threshold: 0.8, objects: ['lead', 'customer', 'contact'] },
      { kind: 'phone', mode: 'exact', keys: ['057188880000'], threshold: undefined, objects: ['lead', 'customer', 'contact'] },
      { kind: 'email', mode: 'exact', keys: ['a@b.cn'], threshold: undefined, objects: ['lead', 'customer', 'contact'] },
    ]);
  });

  it('searches a combination of a name and an identifier by the identifier, and skips one the probe lacks a field of', () => {
    const rules = [
      rule({ object: 'customer', combinations: [[{ field: 'name', mode: 'fuzzy' }, { field: 'unifiedSocialCreditCode', mode: 'exact' }], [{ field: 'email', mode: 'exact' }]] }),
    ];
    const probe = normaliseRecord('customer', { name: '华为技术有限公司', unifiedSocialCreditCode: '914403001922038216' });
    expect(plannedSearches(rules, probe)).toEqual([{ kind: 'creditCode', mode: 'exact', keys: ['914403001922038216'], threshold: undefined, objects: ['customer'] }]);
  });

  it('keeps the lowest threshold of similar-name searches over the same objects, and ignores disabled rules, other objects and opportunities', () => {
    const rules = [
      rule({ object: 'lead', combinations: [[{ field: 'company', mode: 'fuzzy', threshold: 0.9 }]], targets: ['customer'] }),
      rule({ object: 'lead', combinations: [[{ field: 'company', mode: 'fuzzy', threshold: 0.7 }]], targets: ['customer', 'lead'] }),
      rule({ object: 'lead', combinations: [[{ field: 'company', mode: 'fuzzy', threshold: 0.5 }]], enabled: false }),
      rule({ object: 'customer', combinations: [[{ field: 'name', mode: 'fuzzy' }]] }),
      rule({ object: 'opportunity', combinations: [[{ field: 'name', mode: 'fuzzy' }]] }),
    ];
    const probe = normaliseRecord('lead', { company: '杭州联合机械有限公司' });
    expect(plannedSearches(rules, probe)).toEqual([{ kind: 'companyName', mode: 'fuzzy', keys: ['杭州联合机械'], threshold: 0.7, objects: ['customer', 'lead'] }]);
    expect(plannedSearches(rules, normaliseRecord('opportunity', { name: 'x' }))).toEqual([]);
  });
});
