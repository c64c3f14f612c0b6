import { DICTIONARY_CODE_PATTERN, DICTIONARY_KINDS, DICTIONARY_KIND_NAMES } from './dictionary-kinds';

describe('default dictionaries', () => {
  it.each(DICTIONARY_KIND_NAMES)('%s: codes valid and unique in any case, labels within the API limits', (kind) => {
    const { defaults } = DICTIONARY_KINDS[kind];
    expect(defaults.length).toBeGreaterThan(0);
    for (const d of defaults) {
      expect(d.code).toMatch(DICTIONARY_CODE_PATTERN);
      expect(d.label.length).toBeGreaterThan(0);
      expect(d.label.length).toBeLessThanOrEqual(50);
      expect(d.labelEn.length).toBeLessThanOrEqual(100);
    }
    // Seeding skips conflicting rows silently, so a duplicate here would vanish without a trace.
    expect(new Set(defaults.map((d) => d.code.toLowerCase())).size).toBe(defaults.length);
  });

  it('wires each kind to a distinct record field', () => {
    const fields = DICTIONARY_KIND_NAMES.map((k) => `${DICTIONARY_KINDS[k].usedBy.object}.${DICTIONARY_KINDS[k].usedBy.field}`);
    expect(new Set(fields).size).toBe(fields.length);
  });
});
