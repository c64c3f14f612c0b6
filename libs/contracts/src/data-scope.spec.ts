import { BUSINESS_OBJECTS, DATA_ACTIONS, DataRule, defaultDataRules } from './data-scope';

const scopes = (rules: DataRule[]) => Object.fromEntries(rules.map((r) => [`${r.object}.${r.action}`, r.scope]));

describe('default data rules (the implementation manual\u2019s role table)', () => {
  it('has one rule per business object and action for every role, in manual order', () => {
    for (const role of ['admin', 'dept-manager', 'account-manager', 'regional-director']) {
      const rules = defaultDataRules(role);
      expect(rules).toHaveLength(39);
      expect(rules.map((r) => `${r.object}.${r.action}`)).toEqual(BUSINESS_OBJECTS.flatMap((o) => DATA_ACTIONS.map((a) => `${o}.${a}`)));
    }
  });

  it('gives administrators everything and department managers their department tree', () => {
    expect(new Set(defaultDataRules('admin').map((r) => r.scope))).toEqual(new Set(['ALL']));
    expect(new Set(defaultDataRules('dept-manager').map((r) => r.scope))).toEqual(new Set(['DEPARTMENT_AND_SUBDEPARTMENTS']));
  });

  it('gives account managers their own records, with the manual\u2019s five wider scopes', () => {
    const wider = Object.entries(scopes(defaultDataRules('account-manager'))).filter(([, scope]) => scope !== 'SELF');
    expect(Object.fromEntries(wider)).toEqual({
      'contact.query': 'SELF_AND_SUBORDINATES',
      'customer.query': 'DEPARTMENT',
      'opportunity.query': 'DEPARTMENT_AND_SUBDEPARTMENTS',
      'quotation.query': 'DEPARTMENT_AND_SUBDEPARTMENTS',
      'quotation.view': 'DEPARTMENT',
    });
  });

  it('starts any other role with SELF everywhere', () => {
    expect(new Set(defaultDataRules('regional-director').map((r) => r.scope))).toEqual(new Set(['SELF']));
  });
});
