import { describeOrgProjection } from '@crm/testing';
import { loadSalesConfig } from '../src/config';
import { startSales } from '../src/main';

describeOrgProjection({ service: 'sales', start: (env) => startSales(loadSalesConfig(env)) });
