import { defaultDataRules } from '@crm/contracts';
import { DATA_RULE_COUNT, completeDataRules, repeatedCombinations } from './data-rules';

describe('completeDataRules', () => {
  it('fills combinations nothing is stored for with the role\u2019s defaults, in canonical order', () => {
    const rules = completeDataRules('account-manager', [
      { object: 'quotation', action: 'edit', scope: 'ALL' },
      { object: 'lead', action: 'query', scope: 'DEPARTMENT' },
    ]);
    expect(rules).toHaveLength(DATA_RULE_COUNT);
    const expected = defaultDataRules('account-manager').map((r) =>
      r.object === 'quotation' && r.action === 'edit' ? { ...r, scope: 'ALL' } : r.object === 'lead' && r.action === 'query' ? { ...r, scope: 'DEPARTMENT' } : r,
    );
    expect(rules).toEqual(expected);
  });
});

describe('repeatedCombinations', () => {
  it('names the second and later entries of one object and action', () => {
    expect(
      repeatedCombinations([
        { object: 'lead', action: 'query' },
        { object: 'lead', action: 'view' },
        { object: 'lead', action: 'query' },
        { object: 'lead', action: 'query' },
      ]),
    ).toEqual([2, 3]);
  });
});
