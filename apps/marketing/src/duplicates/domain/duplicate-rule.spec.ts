import {
  CandidateRecord,
  DUPLICATE_FIELDS,
  DUPLICATE_OBJECTS,
  DuplicateObject,
  DuplicateRule,
  defaultDuplicateRules,
  duplicateOutcome,
  matchCandidate,
  normaliseRecord,
  rankCandidates,
  validateRule,
} from './duplicate-rule';

function rule(over: Partial<DuplicateRule> & Pick<DuplicateRule, 'object' | 'combinations'>): DuplicateRule {
  return { id: 'r1', name: 'Test rule', targets: [over.object], action: 'warn', enabled: true, ...over };
}

function stored(object: DuplicateObject, id: string, record: Record<string, unknown>): CandidateRecord {
  return { id, ...normaliseRecord(object, record) };
}

const customerByName = rule({ object: 'customer', combinations: [[{ field: 'name', mode: 'fuzzy', threshold: 0.8 }]] });

describe('normaliseRecord', () => {
  it('keeps the keys of the fields rules can name, by kind', () => {
    expect(
      normaliseRecord('customer', {
        name: '联合机械（杭州）有限公司',
        phone: '0571-88880000 / +86 138 0013 8000',
        email: ' Sales@Lianhe.CN ',
        unifiedSocialCreditCode: '91330100 ma27xxxx1k',
        remarks: 'not a duplicate field',
      }),
    ).toEqual({
      object: 'customer',
      keys: { name: ['杭州联合机械'], phone: ['057188880000', '13800138000'], email: ['sales@lianhe.cn'], unifiedSocialCreditCode: ['91330100MA27XXXX1K'] },
    });
  });

  it('reads arrays and numbers, drops empty values and repeats', () => {
    expect(normaliseRecord('contact', { name: '张 三', phones: ['138 0013 8000', '+86 13800138000', '', null, 13900000000], email: '  ' })).toEqual({
      object: 'contact',
      keys: { name: ['张三'], phones: ['13800138000', '13900000000'] },
    });
  });
});

describe('matchCandidate', () => {
  const probe = normaliseRecord('customer', { name: '联合机械(杭州)有限公司' });

  it.each(['杭州联合机械有限公司', '杭州联合机械股份有限公司', '杭州联合机械（集团）有限公司', '杭州市联合机械有限公司'])('finds %s, spelled differently, with score 1', (name) => {
    expect(matchCandidate(customerByName, probe, normaliseRecord('customer', { name }))).toEqual({
      combination: 0,
      fields: [{ field: 'name', candidateField: 'name', mode: 'fuzzy', score: 1 }],
      score: 1,
    });
  });

  it.each([
    ['杭州联合机械有限公司', '杭州联合化工有限公司'],
    ['杭州联合机械有限公司', '上海联合机械有限公司'],
    ['华为技术有限公司', '华润技术有限公司'],
    ['华为', '华润'],
  ])('does not take %s for %s', (a, b) => {
    expect(matchCandidate(customerByName, normaliseRecord('customer', { name: a }), normaliseRecord('customer', { name: b }))).toBeNull();
  });

  it('applies the threshold', () => {
    const candidate = normaliseRecord('customer', { name: '杭州联合机械设备有限公司' }); // 0.83
    expect(matchCandidate(customerByName, probe, candidate)?.score).toBeCloseTo(0.833, 3);
    const stricter = rule({ object: 'customer', combinations: [[{ field: 'name', mode: 'fuzzy', threshold: 0.85 }]] });
    expect(matchCandidate(stricter, probe, candidate)).toBeNull();
    const withoutThreshold = rule({ object: 'customer', combinations: [[{ field: 'name', mode: 'fuzzy' }]] });
    expect(matchCandidate(withoutThreshold, probe, candidate)).not.toBeNull(); // DEFAULT_FUZZY_THRESHOLD
  });

  it('wants equal keys in exact mode', () => {
    const exact = rule({ object: 'customer', combinations: [[{ field: 'name', mode: 'exact' }]] });
    expect(matchCandidate(exact, probe, normaliseRecord('customer', { name: '杭州联合机械有限公司' }))?.score).toBe(1);
    expect(matchCandidate(exact, probe, normaliseRecord('customer', { name: '杭州联合机械设备有限公司' }))).toBeNull();
  });

  it('needs every field of a combination, scores it by its weakest field, and takes the best combination', () => {
    const nameAndPhone = rule({
      object: 'customer',
      combinations: [
        [{ field: 'email', mode: 'exact' }],
        [
          { field: 'name', mode: 'fuzzy', threshold: 0.8 },
          { field: 'phone', mode: 'exact' },
        ],
        [{ field: 'name', mode: 'fuzzy', threshold: 0.8 }],
      ],
    });
    const probeWithPhone = normaliseRecord('customer', { name: '杭州联合机械有限公司', phone: '(0571) 8888-0000' });
    const samePhone = normaliseRecord('customer', { name: '杭州联合机械设备有限公司', phone: '0571-88880000转123' });
    expect(matchCandidate(nameAndPhone, probeWithPhone, samePhone)).toEqual({
      combination: 1,
      fields: [
        { field: 'name', candidateField: 'name', mode: 'fuzzy', score: expect.closeTo(0.833, 3) },
        { field: 'phone', candidateField: 'phone', mode: 'exact', score: 1 },
      ],
      score: expect.closeTo(0.833, 3),
    });
    const otherPhone = normaliseRecord('customer', { name: '杭州联合机械设备有限公司', phone: '0571-88881111' });
    expect(matchCandidate(nameAndPhone, probeWithPhone, otherPhone)?.combination).toBe(2);
  });

  it('never matches on a field the probe or the candidate lacks', () => {
    const byPhone = rule({ object: 'customer', combinations: [[{ field: 'phone', mode: 'exact' }]] });
    expect(matchCandidate(byPhone, normaliseRecord('customer', { name: 'A' }), normaliseRecord('customer', { name: 'A' }))).toBeNull();
    expect(matchCandidate(byPhone, normaliseRecord('customer', { phone: '无' }), normaliseRecord('customer', { phone: '-' }))).toBeNull();
  });

  it('matches nothing when disabled or when the candidate is not a target', () => {
    const candidate = normaliseRecord('customer', { name: '杭州联合机械有限公司' });
    expect(matchCandidate({ ...customerByName, enabled: false }, probe, candidate)).toBeNull();
    expect(matchCandidate(customerByName, probe, normaliseRecord('lead', { company: '杭州联合机械有限公司' }))).toBeNull();
  });

  it('refuses a probe of another object', () => {
    expect(() => matchCandidate(customerByName, normaliseRecord('lead', { company: 'X' }), probe)).toThrow('A customer rule cannot check a lead');
  });
});

describe('cross-object checks', () => {
  const leadRule = rule({
    object: 'lead',
    combinations: [[{ field: 'company', mode: 'fuzzy', threshold: 0.8 }], [{ field: 'phone', mode: 'exact' }], [{ field: 'mobile', mode: 'exact' }], [{ field: 'email', mode: 'exact' }]],
    targets: ['lead', 'customer', 'contact'],
  });
  const lead = normaliseRecord('lead', { company: '联合机械(杭州)有限公司', name: '王伟', mobile: '+86 138-0013-8000', phone: '0571 8888 0000', email: 'Wang.Wei@Lianhe.cn' });

  it('compares a lead’s company with a customer’s name', () => {
    const customer = normaliseRecord('customer', { name: '杭州联合机械股份有限公司' });
    expect(matchCandidate(leadRule, lead, customer)?.fields).toEqual([{ field: 'company', candidateField: 'name', mode: 'fuzzy', score: 1 }]);
  });

  it('compares a lead’s mobile with any of a contact’s phones, and with a customer’s phone', () => {
    const contact = normaliseRecord('contact', { name: '王伟', phones: ['0571-12345678', '138 0013 8000'] });
    expect(matchCandidate(leadRule, lead, contact)).toEqual({ combination: 2, fields: [{ field: 'mobile', candidateField: 'phones', mode: 'exact', score: 1 }], score: 1 });
    const customer = normaliseRecord('customer', { name: '别的公司', phone: '0086 13800138000' });
    expect(matchCandidate(leadRule, lead, customer)?.fields).toEqual([{ field: 'mobile', candidateField: 'phone', mode: 'exact', score: 1 }]);
  });

  it('compares a lead’s phone with another lead’s mobile', () => {
    const other = normaliseRecord('lead', { company: '别的公司', mobile: '(0571) 8888-0000' });
    expect(matchCandidate(leadRule, lead, other)?.fields).toEqual([{ field: 'phone', candidateField: 'mobile', mode: 'exact', score: 1 }]);
  });

  it('compares emails across objects', () => {
    const contact = normaliseRecord('contact', { name: '王伟', email: 'wang.wei@lianhe.cn ' });
    expect(matchCandidate(leadRule, lead, contact)?.fields).toEqual([{ field: 'email', candidateField: 'email', mode: 'exact', score: 1 }]);
  });

  it('skips combinations the target has no field for (a contact has no company)', () => {
    const contact = normaliseRecord('contact', { name: '王伟' });
    expect(matchCandidate(rule({ object: 'lead', combinations: [[{ field: 'company', mode: 'exact' }]], targets: ['contact'] }), lead, contact)).toBeNull();
  });

  it('checks a contact against leads by the contact person’s name and phone', () => {
    const contactRule = rule({ object: 'contact', combinations: [[{ field: 'name', mode: 'exact' }, { field: 'phones', mode: 'exact' }]], targets: ['lead'] });
    const contact = normaliseRecord('contact', { name: ' 王 伟 ', phones: ['0571-88880000转8'] });
    expect(matchCandidate(contactRule, contact, lead)?.fields).toEqual([
      { field: 'name', candidateField: 'name', mode: 'exact', score: 1 },
      { field: 'phones', candidateField: 'phone', mode: 'exact', score: 1 },
    ]);
  });
});

describe('rankCandidates', () => {
  const probe = normaliseRecord('customer', { name: '杭州联合机械有限公司', phone: '0571-88880000', unifiedSocialCreditCode: '91330100MA27XXXX1K' });
  const nameOrPhone = rule({ id: 'name-or-phone', object: 'customer', combinations: [[{ field: 'name', mode: 'fuzzy', threshold: 0.8 }], [{ field: 'phone', mode: 'exact' }]], targets: ['customer', 'lead'] });
  const creditCode = rule({ id: 'credit-code', object: 'customer', combinations: [[{ field: 'unifiedSocialCreditCode', mode: 'exact' }]], action: 'block' });

  it('sorts by score, keeps the search’s order on ties, lists a candidate once and leaves out non-matches', () => {
    const ranked = rankCandidates([nameOrPhone], probe, [
      stored('customer', 'c-similar', { name: '杭州联合机械设备有限公司' }),
      stored('customer', 'c-unrelated', { name: '杭州联合化工有限公司' }),
      stored('lead', 'l-same-phone', { company: '别的公司', phone: '(0571) 8888-0000' }),
      stored('customer', 'c-same-name', { name: '联合机械(杭州)有限公司' }),
      stored('lead', 'l-same-phone', { company: '别的公司', phone: '(0571) 8888-0000' }),
    ]);
    expect(ranked.map((c) => [c.object, c.id, Number(c.score.toFixed(3))])).toEqual([
      ['lead', 'l-same-phone', 1],
      ['customer', 'c-same-name', 1],
      ['customer', 'c-similar', 0.833],
    ]);
  });

  it('tells a customer and a lead with one id apart', () => {
    const ranked = rankCandidates([nameOrPhone], probe, [stored('customer', 'x', { name: '杭州联合机械' }), stored('lead', 'x', { company: '杭州联合机械' })]);
    expect(ranked.map((c) => c.object)).toEqual(['customer', 'lead']);
  });

  it('reports a candidate under a blocking rule first, then the best score', () => {
    const candidate = stored('customer', 'c1', { name: '杭州联合机械设备有限公司', unifiedSocialCreditCode: '91330100ma27xxxx1k', phone: '057188880000' });
    const [only] = rankCandidates([nameOrPhone, creditCode], probe, [candidate]);
    expect(only).toMatchObject({ id: 'c1', ruleId: 'credit-code', action: 'block', combination: 0, score: 1 });
  });

  it('ignores rules of other objects and disabled rules', () => {
    const leadRule = rule({ object: 'lead', combinations: [[{ field: 'company', mode: 'exact' }]], targets: ['customer'], action: 'block' });
    const candidate = stored('customer', 'c1', { name: '杭州联合机械有限公司' });
    expect(rankCandidates([leadRule, { ...nameOrPhone, enabled: false }], probe, [candidate])).toEqual([]);
  });

  it('says what the write should do', () => {
    const candidates = [stored('customer', 'c1', { name: '杭州联合机械有限公司' }), stored('customer', 'c2', { unifiedSocialCreditCode: '91330100MA27XXXX1K' })];
    expect(duplicateOutcome(rankCandidates([nameOrPhone, creditCode], probe, candidates))).toBe('block');
    expect(duplicateOutcome(rankCandidates([nameOrPhone, creditCode], probe, candidates.slice(0, 1)))).toBe('warn');
    expect(duplicateOutcome(rankCandidates([nameOrPhone, creditCode], probe, []))).toBe('clear');
  });
});

describe('validateRule', () => {
  const valid = { object: 'lead', name: 'Lead by company', action: 'warn', enabled: true, combinations: [[{ field: 'company', mode: 'fuzzy', threshold: 0.85 }]], targets: ['lead', 'customer'] } as Omit<DuplicateRule, 'id'>;
  const errorsOf = (over: object) => validateRule({ ...valid, ...over } as Omit<DuplicateRule, 'id'>);

  it('accepts a sound rule', () => {
    expect(validateRule(valid)).toEqual([]);
  });

  it('names an unknown object and stops there', () => {
    expect(errorsOf({ object: 'invoice' })).toEqual([{ field: 'object', message: 'must be one of lead, customer, contact, opportunity' }]);
  });

  it('names an empty name and an unknown action', () => {
    expect(errorsOf({ name: ' ', action: 'delete' })).toEqual([
      { field: 'name', message: 'must not be empty' },
      { field: 'action', message: "must be 'block' or 'warn'" },
    ]);
  });

  it('wants combinations, each with fields', () => {
    expect(errorsOf({ combinations: [] })).toEqual([{ field: 'combinations', message: 'must have at least one combination of fields' }]);
    expect(errorsOf({ combinations: [[{ field: 'company', mode: 'exact' }], []] })).toEqual([{ field: 'combinations[1]', message: 'must name at least one field' }]);
  });

  it('names unknown and repeated fields', () => {
    expect(errorsOf({ combinations: [[{ field: 'company', mode: 'exact' }, { field: 'website', mode: 'exact' }, { field: 'company', mode: 'fuzzy' }]] })).toEqual([
      { field: 'combinations[0][1].field', message: "lead has no field 'website' to check; known: company, name, phone, mobile, email" },
      { field: 'combinations[0][2].field', message: "'company' is already in this combination" },
    ]);
  });

  it('knows no field an object merely inherits', () => {
    expect(errorsOf({ combinations: [[{ field: 'constructor', mode: 'exact' }]] })).toEqual([
      { field: 'combinations[0][0].field', message: "lead has no field 'constructor' to check; known: company, name, phone, mobile, email" },
    ]);
  });

  it('names a bad mode, fuzzy matching of identifiers, and thresholds out of range or out of place', () => {
    expect(
      errorsOf({
        combinations: [
          [{ field: 'company', mode: 'similar' }],
          [{ field: 'phone', mode: 'fuzzy' }],
          [{ field: 'company', mode: 'fuzzy', threshold: 0 }],
          [{ field: 'company', mode: 'fuzzy', threshold: 1.2 }],
          [{ field: 'company', mode: 'fuzzy', threshold: Number.NaN }],
          [{ field: 'email', mode: 'exact', threshold: 0.9 }],
          [{ field: 'company', mode: 'fuzzy', threshold: 1 }],
        ],
      }),
    ).toEqual([
      { field: 'combinations[0][0].mode', message: "must be 'exact' or 'fuzzy'" },
      { field: 'combinations[1][0].mode', message: "'phone' is matched exactly only" },
      { field: 'combinations[2][0].threshold', message: 'must be a number above 0 and at most 1' },
      { field: 'combinations[3][0].threshold', message: 'must be a number above 0 and at most 1' },
      { field: 'combinations[4][0].threshold', message: 'must be a number above 0 and at most 1' },
      { field: 'combinations[5][0].threshold', message: 'applies to fuzzy matching only' },
    ]);
  });

  it('wants targets the object may be checked against, once each', () => {
    expect(errorsOf({ targets: [] })).toEqual([{ field: 'targets', message: 'must name at least one object to check against' }]);
    expect(errorsOf({ targets: ['lead', 'opportunity', 'lead'] })).toEqual([
      { field: 'targets[1]', message: 'must be one of lead, customer, contact for a rule on lead' },
      { field: 'targets[2]', message: "'lead' is already a target" },
    ]);
    expect(validateRule({ ...valid, object: 'opportunity', combinations: [[{ field: 'name', mode: 'exact' }]], targets: ['customer'] })).toEqual([
      { field: 'targets[0]', message: 'must be one of opportunity for a rule on opportunity' },
    ]);
  });

  it('names a target no combination can be checked against', () => {
    expect(errorsOf({ combinations: [[{ field: 'company', mode: 'fuzzy' }]], targets: ['customer', 'contact'] })).toEqual([
      { field: 'targets[1]', message: 'no combination can be checked against contact: it lacks a field of every combination' },
    ]);
    expect(errorsOf({ combinations: [[{ field: 'company', mode: 'fuzzy' }], [{ field: 'email', mode: 'exact' }]], targets: ['customer', 'contact'] })).toEqual([]);
  });
});

describe('defaultDuplicateRules', () => {
  const rules = defaultDuplicateRules();

  it('are valid, cover every object, and block only on the credit code', () => {
    for (const r of rules) expect([r.id, validateRule(r)]).toEqual([r.id, []]);
    expect(new Set(rules.map((r) => r.object))).toEqual(new Set(DUPLICATE_OBJECTS));
    expect(rules.filter((r) => r.action === 'block').map((r) => r.combinations)).toEqual([[[{ field: 'unifiedSocialCreditCode', mode: 'exact' }]]]);
  });

  it('name only fields the objects have', () => {
    for (const r of rules) for (const m of r.combinations.flat()) expect(Object.keys(DUPLICATE_FIELDS[r.object])).toContain(m.field);
  });

  it('find a new lead’s existing customer, contact and lead, best first', () => {
    const lead = normaliseRecord('lead', { company: '联合机械（杭州）有限公司', name: '王伟', mobile: '+86 138-0013-8000', email: 'WANG.WEI@lianhe.cn' });
    const ranked = rankCandidates(rules, lead, [
      stored('customer', 'customer-1', { name: '杭州联合机械设备有限公司' }),
      stored('contact', 'contact-1', { name: '王伟', phones: ['138 0013 8000'], customerId: 'customer-2' }),
      stored('customer', 'customer-2', { name: '杭州联合机械股份有限公司', phone: '0571-88880000' }),
      stored('customer', 'customer-3', { name: '杭州联合化工有限公司' }),
      stored('lead', 'lead-1', { company: '华润', email: 'wang.wei@lianhe.cn' }),
    ]);
    expect(ranked.map((c) => [c.id, c.fields.map((f) => `${f.field}→${f.candidateField}`), Number(c.score.toFixed(3))])).toEqual([
      ['contact-1', ['mobile→phones'], 1],
      ['customer-2', ['company→name'], 1],
      ['lead-1', ['email→email'], 1],
      ['customer-1', ['company→name'], 0.833],
    ]);
    expect(duplicateOutcome(ranked)).toBe('warn');
  });

  it('block a second customer with the same credit code', () => {
    const probe = normaliseRecord('customer', { name: '联合机械', unifiedSocialCreditCode: '91330100 MA27XXXX1K' });
    const ranked = rankCandidates(rules, probe, [stored('customer', 'customer-9', { name: '杭州联合机械有限公司', unifiedSocialCreditCode: '91330100MA27XXXX1K' })]);
    expect(ranked).toMatchObject([{ id: 'customer-9', ruleId: 'customer-credit-code', action: 'block' }]);
    expect(duplicateOutcome(ranked)).toBe('block');
  });

  it('warn about a similar opportunity only for the same customer', () => {
    const probe = normaliseRecord('opportunity', { name: '2025年 ERP 升级（二期）', customerId: 'C-1' });
    const ranked = rankCandidates(rules, probe, [
      stored('opportunity', 'o-other-customer', { name: '2025年ERP升级二期', customerId: 'C-2' }),
      stored('opportunity', 'o-same', { name: '2025年ERP升级-二期项目', customerId: 'c-1' }),
    ]);
    expect(ranked.map((c) => c.id)).toEqual(['o-same']);
  });
});
