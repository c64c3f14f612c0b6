import { BusinessServiceHarness, startBusinessServiceHarness } from '@crm/testing';
import { loadSalesConfig } from '../src/config';
import { startSales } from '../src/main';

export { eventually } from '@crm/testing';
export type { CallResult } from '@crm/testing';
export type SalesHarness = BusinessServiceHarness;

/** Sales on its own test database and consumer groups, the organisation fed by identity's events (see @crm/testing). */
export const startSalesHarness = (name: string, env: Record<string, string> = {}): Promise<SalesHarness> =>
  startBusinessServiceHarness({ name, service: 'sales', env, start: (e) => startSales(loadSalesConfig(e)) });
