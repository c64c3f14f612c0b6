import { DataSource } from 'typeorm';
import { NumberingRule } from '@crm/kernel';
import { createTestDatabase, testInfraFromEnv } from '@crm/testing';
import { NumberingCounters1700000000100, nextCode, typeormOptions } from '../src';

const TENANT_A = '0190a6e2-7b3c-7d4e-8f00-0000000000a1';
const TENANT_B = '0190a6e2-7b3c-7d4e-8f00-0000000000b1';
const customerCodes: NumberingRule = { prefix: 'KH', datePattern: 'YYYYMMDD', serialDigits: 4, reset: 'daily', separator: '-' };

describe('numbering rules on PostgreSQL', () => {
  let ds: DataSource;
  beforeAll(async () => {
    const url = await createTestDatabase(testInfraFromEnv().postgresUrl, 'numbering');
    ds = new DataSource(typeormOptions({ url, entities: [], migrations: [NumberingCounters1700000000100], poolSize: 50 }));
    await ds.initialize();
  });
  afterAll(() => ds.destroy());

  it('gives 1,000 parallel requests 1,000 distinct consecutive codes', async () => {
    const at = new Date('2025-03-28T10:00:00Z');
    const codes = await Promise.all(
      Array.from({ length: 1000 }, () => ds.transaction((m) => nextCode(m, TENANT_A, 'customer', customerCodes, at))),
    );
    expect(new Set(codes).size).toBe(1000);
    const serials = codes.map((c) => Number(c.split('-')[2])).sort((a, b) => a - b);
    expect(serials).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));
    expect(codes).toContain('KH-20250328-0001');
    expect(codes).toContain('KH-20250328-1000');
  });

  it('restarts the serial each day, keeps tenants apart, and gives back a rolled-back number', async () => {
    const next = (tenant: string, at: string) => ds.transaction((m) => nextCode(m, tenant, 'customer', customerCodes, new Date(at)));
    expect(await next(TENANT_A, '2025-03-29T00:00:01Z')).toBe('KH-20250329-0001');
    expect(await next(TENANT_B, '2025-03-29T08:00:00Z')).toBe('KH-20250329-0001');
    await expect(
      ds.transaction(async (m) => {
        await nextCode(m, TENANT_A, 'customer', customerCodes, new Date('2025-03-29T09:00:00Z'));
        throw new Error('the create failed');
      }),
    ).rejects.toThrow('the create failed');
    expect(await next(TENANT_A, '2025-03-29T23:59:59Z')).toBe('KH-20250329-0002');
  });
});
