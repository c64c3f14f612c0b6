import { describeOrgProjection } from '@crm/testing';
import { loadAfterSalesConfig } from '../src/config';
import { startAfterSales } from '../src/main';

describeOrgProjection({ service: 'after-sales', start: (env) => startAfterSales(loadAfterSalesConfig(env)) });
