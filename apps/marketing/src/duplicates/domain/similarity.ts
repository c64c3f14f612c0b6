/**
 * String similarity for fuzzy duplicate checks, 0 (nothing shared) to 1 (same).
 *
 * Two measures live here:
 *
 * - `bigramSimilarity`, the scorer rules use: the Dice coefficient on character bigrams. Chinese
 *   company names are short (4-8 characters once normalised) and their words mostly two
 *   characters long; one changed character costs two of n-1 bigrams but three of n+1 trigrams, so
 *   trigram scores of short names sit low and close together. Bigrams without padding also weigh
 *   the edges less than the middle, which fits the names: normalised, they read region + trade
 *   name + industry, and the trade name in the middle tells companies apart (华为 / 华润, 科达 /
 *   科远), while spellings of one company differ at the edges (a missing region, an extra
 *   industry word). Measured on normalised keys, bigram Dice / pg_trgm: 杭州联合机械 vs
 *   杭州联合机械设备 0.83 / 0.60, vs 杭州联合机戒 0.80 / 0.56, vs 杭州联合化工 0.60 / 0.40, vs
 *   上海联合机械 0.60 / 0.27; 华为技术 vs 华润技术 0.33 / 0.25. A character changed in the middle
 *   of a short name (杭州联和机械, 0.60) looks like another company to any character measure, and
 *   the default threshold does not match it.
 *
 * - `trigramSimilarity`, PostgreSQL's pg_trgm `similarity()` rebuilt, for the SQL side's
 *   prefilter: pg_trgm finds candidates through a GIN index, then `bigramSimilarity` scores them.
 *   The two measures disagree most on changes at the start (pg_trgm pads words with two spaces in
 *   front): 国电智 vs 险国电智 scores 0.80 here and 0.29 there, so the prefilter threshold has to
 *   be well below the rule's (see the spec for the floor it is tested against). `minSharedBigrams`
 *   describes an exact alternative.
 */

/** Runs of letters and digits, lower-cased, as pg_trgm splits words (CJK counts as letters). */
function words(s: string): string[] {
  return s.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean);
}

function sharedCount(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  let shared = 0;
  for (const gram of a) if (b.has(gram)) shared++;
  return shared;
}

/**
 * The distinct character bigrams `bigramSimilarity` compares, word by word, by code point; a
 * one-character word stands for itself. The database can store them (a text[] with a GIN index)
 * to find candidates exactly: see `minSharedBigrams`.
 */
export function characterBigrams(s: string): string[] {
  const grams = new Set<string>();
  for (const word of words(s)) {
    const chars = [...word];
    if (chars.length === 1) grams.add(word);
    for (let i = 0; i + 1 < chars.length; i++) grams.add(chars[i] + chars[i + 1]);
  }
  return [...grams];
}

/** Dice coefficient on the two strings' sets of character bigrams: 2·|A∩B| / (|A|+|B|). */
export function bigramSimilarity(a: string, b: string): number {
  const x = new Set(characterBigrams(a));
  const y = new Set(characterBigrams(b));
  if (x.size === 0 || y.size === 0) return 0;
  return (2 * sharedCount(x, y)) / (x.size + y.size);
}

/**
 * The fewest bigrams a string must share with a probe of `probeBigrams` bigrams to reach
 * `threshold`: from 2s/(p+q) ≥ t and s ≤ q follows s ≥ t·p/(2−t). So any candidate that scores
 * shares at least one of any p − s + 1 of the probe's bigrams — a search on a handful of (rare)
 * bigrams finds every candidate, with no recall lost to a prefilter.
 */
export function minSharedBigrams(probeBigrams: number, threshold: number): number {
  // The epsilon keeps float noise (0.8·6/1.2 = 4.000…01) from rounding a whole number up; erring
  // low only widens the search.
  return Math.ceil((threshold * probeBigrams) / (2 - threshold) - 1e-9);
}

/** pg_trgm's trigrams: each word padded with two spaces in front and one behind. */
function trigrams(s: string): Set<string> {
  const grams = new Set<string>();
  for (const word of words(s)) {
    const chars = [' ', ' ', ...word, ' '];
    for (let i = 0; i + 2 < chars.length; i++) grams.add(chars[i] + chars[i + 1] + chars[i + 2]);
  }
  return grams;
}

/**
 * pg_trgm's `similarity(a, b)`: shared trigrams over all distinct trigrams (Jaccard). Differences
 * from the server: pg_trgm hashes trigrams of multibyte characters into 3 bytes (collisions are
 * possible, but rare enough to ignore), and it decides what a letter is by the database's
 * LC_CTYPE — under the C locale CJK characters are not letters and every Chinese name scores 0,
 * so the database needs a UTF-8 locale (e.g. C.UTF-8 or en_US.UTF-8).
 */
export function trigramSimilarity(a: string, b: string): number {
  const x = trigrams(a);
  const y = trigrams(b);
  if (x.size === 0 || y.size === 0) return 0;
  const shared = sharedCount(x, y);
  return shared / (x.size + y.size - shared);
}
