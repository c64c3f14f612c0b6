import { normaliseCode, normaliseCompanyName, normaliseEmail, normalisePersonName, normalisePhone, normalisePhones, normaliseText } from './normalise';

describe('normaliseCompanyName', () => {
  it.each([
    ['杭州联合机械', ['杭州联合机械有限公司', '杭州联合机械股份有限公司', '杭州联合机械有限责任公司', '杭州联合机械（集团）有限公司', '杭州联合机械集团有限公司', '杭州联合机械集团股份有限公司', '联合机械(杭州)有限公司', '联合机械（杭州）有限公司', '联合机械【杭州市】有限公司', '杭州市联合机械有限公司', ' 杭州 联合·机械 有限公司 ', '杭州联合机械公司', '杭州联合机械总公司']],
    ['abc科技', ['ＡＢＣ科技有限公司', 'ABC科技有限公司', 'abc 科技 有限公司', 'ABC科技（中国）有限公司']],
    ['华为技术', ['华为技术有限公司', '华为技术', '华为技术（中国）有限公司']],
    ['阿里巴巴', ['阿里巴巴(中国)有限公司', '阿里巴巴集团', '阿里巴巴集团控股有限公司', '阿里巴巴（中国）有限公司']],
    ['alibaba', ['Alibaba (China) Co., Ltd.', 'ALIBABA GROUP HOLDING LIMITED', 'Alibaba Inc.', 'Alibaba Company Limited']],
    ['shanghaiabc', ['ABC (Shanghai) Co., Ltd.', 'Shanghai ABC Co., Ltd.']],
    ['abctechnology', ['ABC Technology Co., Ltd.', 'ABC Technology Corp.', 'abc technology llc', 'ＡＢＣ　Ｔｅｃｈｎｏｌｏｇｙ　Ｃｏ．，Ｌｔｄ．']],
    ['中国平安保险', ['中国平安保险（集团）股份有限公司', '中国平安保险股份有限公司']],
    ['深圳腾讯科技', ['腾讯科技（深圳）有限公司', '深圳市腾讯科技有限公司']],
    ['浙江杭州联合机械', ['浙江省杭州市联合机械有限公司', '浙江杭州联合机械有限公司']],
    ['xx会计师事务所', ['XX会计师事务所（特殊普通合伙）', 'XX会计师事务所(普通合伙)']],
  ])('spells %s one way', (key, spellings) => {
    for (const spelling of spellings) expect([spelling, normaliseCompanyName(spelling)]).toEqual([spelling, key]);
  });

  it.each([
    ['杭州联合机械有限公司', '杭州联合化工有限公司'],
    ['华为技术有限公司', '华润技术有限公司'],
    ['杭州联合机械有限公司', '上海联合机械有限公司'],
    ['杭州联合机械有限公司', '联合机械有限公司'],
    ['海尔集团财务有限责任公司', '海尔集团'],
    ['杭州联合机械有限公司上海分公司', '杭州联合机械有限公司'],
  ])('keeps %s and %s apart', (a, b) => {
    expect(normaliseCompanyName(a)).not.toBe(normaliseCompanyName(b));
  });

  it('keeps a branch a branch whatever the head office’s legal form', () => {
    expect(normaliseCompanyName('杭州联合机械有限公司上海分公司')).toBe('杭州联合机械上海分公司');
    expect(normaliseCompanyName('杭州联合机械股份有限公司上海分公司')).toBe('杭州联合机械上海分公司');
  });

  it('keeps 市 that begins a word after the region', () => {
    expect(normaliseCompanyName('上海市场营销策划有限公司')).toBe('上海市场营销策划');
    expect(normaliseCompanyName('杭州市政工程有限公司')).toBe('杭州市政工程');
  });

  it('never strips a name down to nothing', () => {
    expect(normaliseCompanyName('有限公司')).toBe('有限公司');
    expect(normaliseCompanyName('公司')).toBe('公司');
    expect(normaliseCompanyName('集团有限公司')).toBe('集团');
    expect(normaliseCompanyName('(中国)')).toBe('中国');
    expect(normaliseCompanyName('Company')).toBe('company');
    expect(normaliseCompanyName('  ')).toBe('');
  });

  it('gives a key back unchanged, so stored keys and probes agree', () => {
    for (const name of ['杭州联合机械(集团)有限公司', '腾讯科技（深圳）有限公司', '集团有限公司', '杭州联合机械有限公司上海分公司', 'Alibaba (China) Co., Ltd.', '上海市场营销策划有限公司']) {
      const key = normaliseCompanyName(name);
      expect(normaliseCompanyName(key)).toBe(key);
    }
  });
});

describe('normalisePhone', () => {
  it.each([
    ['+86 138-0013-8000', '13800138000'],
    ['0086 13800138000', '13800138000'],
    ['138 0013 8000', '13800138000'],
    ['8613800138000', '13800138000'],
    ['(+86)138.0013.8000', '13800138000'],
    ['＋８６　１３８００１３８０００', '13800138000'],
    ['(0571) 8888-0000', '057188880000'],
    ['0571-88880000转123', '057188880000'],
    ['0571-88880000 分机 123', '057188880000'],
    ['0571 8888 0000 ext. 12', '057188880000'],
    ['057188880000x9', '057188880000'],
    ['0571-88880000#8', '057188880000'],
    ['+86 571 8888 0000', '057188880000'],
    ['+86 (0)571 88880000', '057188880000'],
    ['+86 10 8888 0000', '01088880000'],
    ['010-8888 0000', '01088880000'],
    ['+852 2345 6789', '+85223456789'],
    ['00852 2345 6789', '+85223456789'],
    ['88880000', '88880000'],
    ['95588', '95588'],
  ])('reads %s as %s', (written, key) => {
    expect(normalisePhone(written)).toBe(key);
  });

  it.each(['', '   ', '无', '0', '123', '-'])('finds no number in %j', (written) => {
    expect(normalisePhone(written)).toBe('');
  });

  it('reads every number of a field that holds several', () => {
    expect(normalisePhones('0571-88880000 / 138 0013 8000；+86 139 0000 0000、无')).toEqual(['057188880000', '13800138000', '13900000000']);
  });
});

describe('normaliseEmail', () => {
  it.each([
    ['  Zhang.San@Example.COM ', 'zhang.san@example.com'],
    ['zhang san@example.com', 'zhangsan@example.com'],
    ['ＺＨＡＮＧ＠ｅｘａｍｐｌｅ．ｃｏｍ', 'zhang@example.com'],
    ['zhang.san+crm@example.com', 'zhang.san+crm@example.com'],
    ['Zhang.San+crm@Gmail.com', 'zhangsan@gmail.com'],
    ['zhang.san@googlemail.com', 'zhangsan@gmail.com'],
    ['not an email', 'notanemail'],
  ])('reads %j as %s', (written, key) => {
    expect(normaliseEmail(written)).toBe(key);
  });
});

describe('normalisePersonName and normaliseText', () => {
  it('drops spaces and punctuation, keeping Chinese order', () => {
    expect(normalisePersonName(' 张 三 ')).toBe('张三');
    expect(normalisePersonName('阿卜杜·热合曼')).toBe('阿卜杜热合曼');
    expect(normalisePersonName('王总')).toBe('王总');
  });

  it('sorts the words of a Latin name', () => {
    expect(normalisePersonName('Smith, John')).toBe(normalisePersonName('john  SMITH'));
  });

  it('reduces text to lower-case letters and digits', () => {
    expect(normaliseText('  ２０２５年 ERP-升级（二期）！ ')).toBe('2025年erp升级二期');
  });
});

describe('normaliseCode', () => {
  it('keeps letters and digits, upper-case', () => {
    expect(normaliseCode(' 91330100-ma27xxxx1k ')).toBe('91330100MA27XXXX1K');
    expect(normaliseCode('９１３３０１００ＭＡ２７ＸＸＸＸ１Ｋ')).toBe('91330100MA27XXXX1K');
  });
});
