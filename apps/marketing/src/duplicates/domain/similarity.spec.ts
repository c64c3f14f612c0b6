import { normaliseCompanyName } from './normalise';
import { bigramSimilarity, characterBigrams, minSharedBigrams, trigramSimilarity } from './similarity';

/** Normalised company names, the keys fuzzy rules compare. */
const key = normaliseCompanyName;

describe('bigramSimilarity', () => {
  it('is 1 for equal strings, 0 for nothing shared or nothing to compare, and symmetric', () => {
    expect(bigramSimilarity('杭州联合机械', '杭州联合机械')).toBe(1);
    expect(bigramSimilarity('华为', '华润')).toBe(0);
    expect(bigramSimilarity('', '')).toBe(0);
    expect(bigramSimilarity('华为', '')).toBe(0);
    expect(bigramSimilarity('华', '华')).toBe(1);
    expect(bigramSimilarity('杭州联合机械设备', '杭州联合机械')).toBe(bigramSimilarity('杭州联合机械', '杭州联合机械设备'));
  });

  it.each([
    ['杭州联合机械有限公司', '杭州联合机械设备有限公司', 0.833],
    ['杭州联合机械有限公司', '杭州联合机戒有限公司', 0.8],
    ['杭州联合机械制造有限公司', '杭州联合机械制造厂', 0.933],
    ['杭州联合机械有限公司', '联合机械有限公司', 0.75],
    ['杭州联合机械有限公司', '杭州联合化工有限公司', 0.6],
    ['杭州联合机械有限公司', '上海联合机械有限公司', 0.6],
    ['北京字节跳动科技有限公司', '北京字节跳动网络技术有限公司', 0.625],
    ['华为技术有限公司', '华润技术有限公司', 0.333],
    ['华为技术有限公司', '华为终端有限公司', 0.333],
    ['苏州科达科技股份有限公司', '苏州科远科技有限公司', 0.6],
    ['Microsoft Corporation', 'Mircosoft Corp.', 0.625],
  ])('scores %s vs %s about %d', (a, b, score) => {
    expect(bigramSimilarity(key(a), key(b))).toBeCloseTo(score, 3);
  });

  it('weighs a difference in the middle (the trade name) more than one at the edges', () => {
    const middle = bigramSimilarity('杭州联合机械', '杭州联和机械');
    const edge = bigramSimilarity('杭州联合机械', '杭州联合机戒');
    expect(middle).toBeLessThan(edge);
  });

  it('compares words as sets, like pg_trgm, so word order does not matter', () => {
    expect(bigramSimilarity('john smith', 'Smith John')).toBe(1);
  });
});

describe('trigramSimilarity', () => {
  // Values PostgreSQL 17's pg_trgm similarity() returned for these pairs (UTF-8 database locale).
  it.each([
    ['杭州联合机械', '杭州联合化工', 0.4],
    ['杭州联合机械', '杭州联合机戒', 0.5556],
    ['国电智', '险国电智', 0.2857],
    ['华为', '华润', 0.2],
    ['alibaba group', 'Alibaba', 0.5714],
    ['john smith', 'smith john', 1],
    ['abc科技', 'ABC科技 公司', 0.6667],
    ['ab-cd', 'abcd', 0.375],
    ['巴巴巴巴', '巴巴', 0.75],
    ['Ünïcode', 'ünicode', 0.4545],
    ['a', 'a', 1],
    ['', '', 0],
  ])('scores %j vs %j %d, as pg_trgm does', (a, b, score) => {
    expect(trigramSimilarity(a, b)).toBeCloseTo(score, 4);
  });
});

/** Every one-character substitution, insertion and deletion of a key. */
function singleEdits(s: string, alphabet: string[]): string[] {
  const chars = [...s];
  const edits: string[] = [];
  for (let i = 0; i <= chars.length; i++) {
    if (i < chars.length) edits.push([...chars.slice(0, i), ...chars.slice(i + 1)].join(''));
    for (const c of alphabet) {
      edits.push([...chars.slice(0, i), c, ...chars.slice(i)].join(''));
      if (i < chars.length) edits.push([...chars.slice(0, i), c, ...chars.slice(i + 1)].join(''));
    }
  }
  return edits;
}

describe('finding candidates in SQL', () => {
  const names = ['华为技术', '杭州联合机械', '深圳腾讯科技', '阿里巴巴', '中国平安保险', '北京字节跳动网络技术', '杭州联合机械上海分公司', 'abc科技'];
  const alphabet = [...'杭州上海联合机械化工华为润技术科'];
  const pairs = names.flatMap((name) => singleEdits(name, alphabet).map((edited) => [name, edited] as const));

  it('a pg_trgm prefilter at 0.25 keeps every single-character edit a 0.8 rule accepts', () => {
    const accepted = pairs.filter(([a, b]) => bigramSimilarity(a, b) >= 0.8);
    expect(accepted.length).toBeGreaterThan(100);
    const lowest = Math.min(...accepted.map(([a, b]) => trigramSimilarity(a, b)));
    expect(lowest).toBeGreaterThanOrEqual(0.25);
  });

  it.each([0.6, 0.7, 0.8, 0.85, 0.9])('at %d every accepted pair shares minSharedBigrams bigrams with the probe', (threshold) => {
    for (const [probe, candidate] of pairs) {
      if (bigramSimilarity(probe, candidate) < threshold) continue;
      const shared = characterBigrams(probe).filter((g) => characterBigrams(candidate).includes(g)).length;
      expect(shared).toBeGreaterThanOrEqual(minSharedBigrams(characterBigrams(probe).length, threshold));
    }
  });

  it('needs whole bigrams only', () => {
    expect(minSharedBigrams(5, 0.8)).toBe(4); // 3.33…
    expect(minSharedBigrams(6, 0.8)).toBe(4); // 4.000…01 in floating point
    expect(minSharedBigrams(5, 1)).toBe(5);
  });

  it('lists distinct bigrams per word', () => {
    expect(characterBigrams('阿里巴巴')).toEqual(['阿里', '里巴', '巴巴']);
    expect(characterBigrams('ab c')).toEqual(['ab', 'c']);
  });
});
