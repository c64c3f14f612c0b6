import { AppError, UUID_PATTERN, formatCode, newId, parseListQuery, periodKey, problemFromError, validationError } from './index';

describe('parseListQuery', () => {
  const spec = { sortable: ['name', 'createdAt'], filterable: ['status'], defaultSort: [{ field: 'createdAt', direction: 'DESC' as const }] };

  it('applies defaults and parses sort keys and filters', () => {
    expect(parseListQuery({}, spec)).toEqual({ page: 1, pageSize: 20, sort: [{ field: 'createdAt', direction: 'DESC' }], filters: {} });
    expect(parseListQuery({ page: '3', pageSize: '50', sort: '-name,createdAt', status: 'active' }, spec)).toEqual({
      page: 3,
      pageSize: 50,
      sort: [
        { field: 'name', direction: 'DESC' },
        { field: 'createdAt', direction: 'ASC' },
      ],
      filters: { status: 'active' },
    });
  });

  it('names every bad parameter in one validation error', () => {
    try {
      parseListQuery({ page: '0', pageSize: 'x', sort: 'password', owner: 'me', status: ['a', 'b'] }, spec);
      throw new Error('expected a validation error');
    } catch (err) {
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).errors.map((e) => e.field)).toEqual(['page', 'pageSize', 'sort', 'owner', 'status']);
    }
  });
});

describe('numbering', () => {
  const at = new Date('2025-03-28T23:59:59Z');
  it('formats prefix, date and padded serial, as the seeds show', () => {
    expect(formatCode({ prefix: 'KHMX', datePattern: 'YYYYMMDD', serialDigits: 2, reset: 'daily', separator: '-' }, at, 13)).toBe('KHMX-20250328-13');
    expect(formatCode({ prefix: 'GZK', datePattern: 'YYMMDD', serialDigits: 3, reset: 'daily', separator: '-' }, at, 6)).toBe('GZK-250328-006');
    expect(formatCode({ prefix: 'CPDA', datePattern: 'YYYYMMDD', serialDigits: 4, reset: 'daily', separator: '-' }, at, 21)).toBe('CPDA-20250328-0021');
    expect(formatCode({ prefix: 'T', datePattern: '', serialDigits: 5, reset: 'never', separator: '' }, at, 42)).toBe('T00042');
  });
  it('buckets counters by the reset period', () => {
    const rule = (reset: 'daily' | 'monthly' | 'yearly' | 'never') => ({ prefix: 'X', datePattern: 'YYYYMMDD', serialDigits: 4, reset, separator: '-' });
    expect([periodKey(rule('daily'), at), periodKey(rule('monthly'), at), periodKey(rule('yearly'), at), periodKey(rule('never'), at)]).toEqual([
      '20250328',
      '202503',
      '2025',
      'all',
    ]);
  });
});

describe('ids', () => {
  it('makes UUID v7s that sort by creation time', () => {
    const a = newId(1_700_000_000_000);
    const b = newId(1_700_000_000_001);
    expect(a).toMatch(UUID_PATTERN);
    expect(a[14]).toBe('7');
    expect(a < b).toBe(true);
  });
});

describe('problem details', () => {
  it('maps an AppError to RFC 9457 with its stable code and field errors', () => {
    expect(problemFromError(validationError([{ field: 'email', message: 'must be an email' }]), '/api/v1/users', 'req-1')).toEqual({
      type: 'https://crm.dev/problems/request-invalid',
      title: 'Bad Request',
      status: 400,
      detail: 'The request has invalid fields.',
      code: 'REQUEST.INVALID',
      instance: '/api/v1/users',
      requestId: 'req-1',
      errors: [{ field: 'email', message: 'must be an email' }],
    });
  });
});
