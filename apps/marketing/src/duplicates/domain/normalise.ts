/**
 * Normalised keys for duplicate checks. The database stores these keys in indexed columns (btree
 * for exact matches, pg_trgm for fuzzy company names), so every function here is deterministic,
 * cheap, and gives the same key for the spellings people really type of one value. Changing a
 * function changes stored keys: recompute them in a migration.
 */

/** NFKC turns full-width letters, digits, brackets and the ideographic space into half-width ones. */
function halfWidthLower(input: string): string {
  return input.normalize('NFKC').toLowerCase();
}

/** Letters and digits of any script survive; spaces, punctuation (、，。《》…) and symbols go. */
const NOT_LETTER_OR_DIGIT = /[^\p{L}\p{N}]+/gu;

/** Generic text: half-width, lower-case, without whitespace or punctuation. */
export function normaliseText(input: string): string {
  return halfWidthLower(input).replace(NOT_LETTER_OR_DIGIT, '');
}

/**
 * A person's name: as text, except that a Latin name's words are sorted, so "Smith, John" and
 * "john smith" agree. Chinese names keep their order (张 三 is 张三, never 三张). Honorifics such
 * as 王总 or 李经理 are kept: stripping them would leave a bare surname that matches everybody.
 */
export function normalisePersonName(input: string): string {
  const words = halfWidthLower(input).split(NOT_LETTER_OR_DIGIT).filter(Boolean);
  const latin = words.length > 1 && words.every((w) => /^[a-z0-9]+$/.test(w));
  return (latin ? [...words].sort() : words).join('');
}

/** An identifier such as a unified social credit code or a record id: letters and digits, upper-case. */
export function normaliseCode(input: string): string {
  return input.normalize('NFKC').toUpperCase().replace(NOT_LETTER_OR_DIGIT, '');
}

/**
 * An email address: trimmed, without inner whitespace, lower-case. Dots and `+tags` are kept,
 * since most providers treat them as different mailboxes; Gmail ignores both, so its addresses
 * lose them (and googlemail.com becomes gmail.com).
 */
export function normaliseEmail(input: string): string {
  const email = input.normalize('NFKC').replace(/\s+/g, '').toLowerCase();
  const at = email.lastIndexOf('@');
  if (at < 0) return email;
  const [local, domain] = [email.slice(0, at), email.slice(at + 1)];
  if (domain !== 'gmail.com' && domain !== 'googlemail.com') return email;
  return `${local.split('+')[0].replace(/\./g, '')}@gmail.com`;
}

/** 转 / 分机 / ext / x / # followed by digits at the end: an extension. */
const EXTENSION = /(?:转|分机|ext\.?|x|#)\s*\d+\s*$/;
const MAINLAND_MOBILE = /^1[3-9]\d{9}$/;
/** Shorter digit strings are not phone numbers (placeholders like "0" or "123"); the shortest real ones are 5-digit service numbers. */
const MIN_PHONE_DIGITS = 5;

/**
 * A phone number as the digits one dials inside mainland China: mobiles as 11 digits
 * (13800138000), landlines with their area code and trunk 0 (057188880000). +86, 0086 and a bare
 * 86 before a mobile are dropped; other countries keep `+` and their code (+85223456789).
 * Extensions (转123, ext. 123, x123) are dropped: the main number identifies the company, and a
 * lead written with the switchboard must meet the customer written with an extension. The
 * price is that two contacts behind one switchboard share a key, which is why phone rules warn
 * rather than block by default. A landline written without its area code (88880000) cannot be
 * told apart from another city's and stays as written. Empty when there are too few digits.
 */
export function normalisePhone(input: string): string {
  const main = halfWidthLower(input).trim().replace(EXTENSION, '');
  let digits = main.replace(/\D/g, '');
  if (digits.length < MIN_PHONE_DIGITS) return '';
  const international = /^\D*\+/.test(main) || digits.startsWith('00');
  if (international) {
    digits = digits.replace(/^00/, '');
    if (!digits.startsWith('86')) return `+${digits}`;
    digits = digits.slice(2);
    // +86 571 8888 0000 leaves out the area code's trunk 0, which domestic numbers always carry.
    return MAINLAND_MOBILE.test(digits) || digits.startsWith('0') ? digits : `0${digits}`;
  }
  return /^86/.test(digits) && MAINLAND_MOBILE.test(digits.slice(2)) ? digits.slice(2) : digits;
}

/** Every number in a field that may hold several ("0571-88880000 / 13800138000"), without empties. */
export function normalisePhones(input: string): string[] {
  return input
    .normalize('NFKC')
    .split(/[,;/|、]+/)
    .map(normalisePhone)
    .filter(Boolean);
}

// --- company names ---------------------------------------------------------------------------

/** Bracketed qualifiers: (中国), （杭州）, [集团], 【北京】, 〔深圳〕, 〖上海〗 (NFKC makes full-width brackets half-width). */
const BRACKETED = /[([{【〔〖]([^()[\]{}【】〔〕〖〗]*)[)\]}】〕〗]/g;
/** A country qualifier says nothing about which company this is: 阿里巴巴(中国)有限公司 is 阿里巴巴. */
const COUNTRY_QUALIFIERS = new Set(['中国', '中国大陆', '中华人民共和国', 'china', 'prc', 'cn']);
/** Bracketed legal-form words: 杭州联合机械(集团)有限公司, XX会计师事务所(特殊普通合伙). */
const FORM_QUALIFIERS = new Set(['集团', '控股', '股份', '普通合伙', '特殊普通合伙', '有限合伙', '个人独资', 'group', 'holding', 'holdings']);

/** Legal forms at the end of a Latin name, removed word by word: "Co., Ltd.", "Company Limited", "Inc.". */
const LATIN_FORMS = new Set(['co', 'ltd', 'limited', 'company', 'inc', 'incorporated', 'corp', 'corporation', 'llc', 'plc', 'gmbh', 'group', 'holding', 'holdings']);

/**
 * A legal form inside a name precedes a branch: 杭州联合机械有限公司上海分公司 is the branch of
 * 杭州联合机械, whichever legal form the head office has. Longest alternatives first.
 */
const INNER_LEGAL_FORM = /(?:股份有限公司|有限责任公司|责任有限公司|股份公司|有限公司)(?=.)/gu;
/**
 * Legal-form and group words at the end, stripped one at a time (XX集团股份有限公司 → XX集团 → XX);
 * the regex finds the leftmost, so the longest, suffix. 分公司 stays: a branch is its own customer.
 */
const TRAILING_FORM = /(?:股份有限公司|有限责任公司|责任有限公司|股份公司|有限公司|总公司|(?<!分)公司|集团|控股)$/u;

/**
 * Provinces and large cities, for the one thing that needs a list: 杭州市联合机械 and
 * 杭州联合机械 are one name, so 省/市 after a leading region goes. An unlisted city keeps its 市;
 * fuzzy matching still relates the two spellings.
 */
const REGIONS = (
  '北京 天津 上海 重庆 河北 山西 辽宁 吉林 黑龙江 江苏 浙江 安徽 福建 江西 山东 河南 湖北 湖南 广东 海南 四川 贵州 云南 陕西 甘肃 ' +
  '青海 台湾 内蒙古 广西 西藏 宁夏 新疆 香港 澳门 石家庄 唐山 太原 呼和浩特 沈阳 大连 长春 哈尔滨 南京 苏州 无锡 常州 南通 徐州 扬州 ' +
  '杭州 宁波 温州 嘉兴 湖州 绍兴 金华 台州 合肥 福州 厦门 泉州 南昌 济南 青岛 烟台 潍坊 郑州 武汉 长沙 广州 深圳 珠海 佛山 东莞 中山 ' +
  '南宁 海口 成都 贵阳 昆明 拉萨 西安 兰州 西宁 银川 乌鲁木齐'
).split(' ');
/** Longest first, so a region is never cut short by a listed one it begins with. */
const LEADING_REGION = new RegExp(`^(?:${[...REGIONS].sort((a, b) => b.length - a.length).join('|')})`, 'u');
/** 市 that begins a word is kept: 上海市场营销 is 上海 + 市场营销, 杭州市政工程 is 杭州 + 市政工程. */
const ADMIN_SUFFIX = /^(?:省|市(?![场政容民]))/u;

/**
 * A company name reduced to what identifies the company, so that the spellings of one company
 * agree exactly and different companies stay apart:
 *
 * - half-width, lower-case, no spaces or punctuation (ＡＢＣ科技 = ABC 科技 = abc科技);
 * - bracketed country and legal-form qualifiers go: (中国), (China), (集团), (普通合伙);
 * - legal forms at the end go, longest first and repeatedly: 股份有限公司, 有限责任公司, 有限公司,
 *   公司, 总公司, "Co., Ltd.", Inc., LLC, … — never down to nothing (有限公司 alone stays);
 * - 集团 and 控股 at the end go too. A group and its operating company are separate legal
 *   entities, but a sales team treats 阿里巴巴集团 and 阿里巴巴(中国)有限公司 as one account; the
 *   rules that compare names warn rather than block, so a salesperson who really means the group
 *   still creates it. 集团 inside a name stays (海尔集团财务 is not 海尔);
 * - the region is kept, in one place: 联合机械(杭州)有限公司 — the legal spelling that puts the
 *   region in brackets after the trade name — becomes 杭州联合机械, like 杭州联合机械有限公司 and
 *   杭州市联合机械有限公司. Dropping regions would make 杭州联合机械 and 上海联合机械, which may
 *   both legally exist, one exact key. Any other bracketed text is treated as a region too: the
 *   naming rules put only regions and legal forms in brackets, so other text is rare, and moving
 *   it to the front still gives every spelling one key (ABC (Shanghai) Co., Ltd. = Shanghai ABC);
 * - branches stay branches: 杭州联合机械有限公司上海分公司 → 杭州联合机械上海分公司.
 *
 * Not handled: traditional vs simplified characters (華為 vs 华为), and abbreviations (浙大 vs
 * 浙江大学) — those need dictionaries; fuzzy matching catches some of it.
 */
export function normaliseCompanyName(input: string): string {
  const regions: string[] = [];
  const unbracketed = halfWidthLower(input).replace(BRACKETED, (_, inner: string) => {
    const qualifier = inner.replace(NOT_LETTER_OR_DIGIT, '');
    if (qualifier && !COUNTRY_QUALIFIERS.has(qualifier) && !FORM_QUALIFIERS.has(qualifier)) {
      regions.push(qualifier.length > 2 ? qualifier.replace(/[省市]$/u, '') : qualifier);
    }
    return ' ';
  });

  const words = unbracketed.split(NOT_LETTER_OR_DIGIT).filter(Boolean);
  while (words.length > 1 && LATIN_FORMS.has(words[words.length - 1])) words.pop();

  let name = words.join('').replace(INNER_LEGAL_FORM, '');
  for (let suffix = TRAILING_FORM.exec(name); suffix && suffix.index > 0; suffix = TRAILING_FORM.exec(name)) {
    name = name.slice(0, suffix.index);
  }
  for (const region of regions.reverse()) if (!name.startsWith(region)) name = region + name;
  return dropAdminSuffixes(name) || normaliseText(input);
}

/** 浙江省杭州市联合机械 → 浙江杭州联合机械: 省/市 after each leading listed region. */
function dropAdminSuffixes(name: string): string {
  let kept = '';
  let rest = name;
  for (let region = LEADING_REGION.exec(rest); region; region = LEADING_REGION.exec(rest)) {
    kept += region[0];
    rest = rest.slice(region[0].length).replace(ADMIN_SUFFIX, '');
  }
  return kept + rest;
}
