import { NumberingCounters1700000000100 } from '@crm/persistence';
import { MessagingTables1700000000200 } from '@crm/messaging';
import { ACCESS_MIGRATIONS } from '@crm/access';
import { Leads1700000002000 } from '../leads/infrastructure/leads.migration';
import { Pools1700000003000 } from '../pools/infrastructure/pools.migration';
import { PoolRules1700000003100 } from '../pools/infrastructure/pool-rules.migration';
import { Duplicates1700000004000 } from '../duplicates/infrastructure/duplicates.migration';
import { Imports1700000005000 } from '../imports/imports.module';

/** Every migration of the marketing database, in order. */
export const MARKETING_MIGRATIONS = [NumberingCounters1700000000100, MessagingTables1700000000200, ...ACCESS_MIGRATIONS, Leads1700000002000, Pools1700000003000, PoolRules1700000003100, Duplicates1700000004000, Imports1700000005000];
