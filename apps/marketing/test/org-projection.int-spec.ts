import { describeOrgProjection } from '@crm/testing';
import { loadMarketingConfig } from '../src/config';
import { startMarketing } from '../src/main';

describeOrgProjection({ service: 'marketing', start: (env) => startMarketing(loadMarketingConfig(env)) });
