import { NumberingCounters1700000000100 } from '@crm/persistence';
import { MessagingTables1700000000200 } from '@crm/messaging';
import { ACCESS_MIGRATIONS } from '@crm/access';
import { Customers1700000001000 } from './customers.migration';
import { CustomerCounts1700000001100 } from './customer-counts.migration';
import { Dictionaries1700000001500 } from '../dictionaries/dictionaries.migration';
import { CustomerPools1700000002100 } from './customer-pools.migration';
import { LeadConversions1700000002200 } from './lead-conversions.migration';

/** Every migration of the sales database, in order. */
export const SALES_MIGRATIONS = [NumberingCounters1700000000100, MessagingTables1700000000200, ...ACCESS_MIGRATIONS, Customers1700000001000, CustomerCounts1700000001100, Dictionaries1700000001500, CustomerPools1700000002100, LeadConversions1700000002200];
