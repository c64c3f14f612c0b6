import { BusinessServiceHarness, startBusinessServiceHarness } from '@crm/testing';
import { loadMarketingConfig } from '../src/config';
import { startMarketing } from '../src/main';

export { eventually } from '@crm/testing';
export type { CallResult } from '@crm/testing';
export type MarketingHarness = BusinessServiceHarness;

/** Marketing on its own test database and consumer groups, the organisation fed by identity's events (see @crm/testing). */
export const startMarketingHarness = (name: string, env: Record<string, string> = {}): Promise<MarketingHarness> =>
  startBusinessServiceHarness({ name, service: 'marketing', env, start: (e) => startMarketing(loadMarketingConfig(e)) });
