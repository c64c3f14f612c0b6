import { NumberingCounters1700000000100 } from '@crm/persistence';
import { MessagingTables1700000000200 } from '@crm/messaging';
import { ACCESS_MIGRATIONS } from '@crm/access';

/** Every migration of the marketing database, in order. */
export const MARKETING_MIGRATIONS = [NumberingCounters1700000000100, MessagingTables1700000000200, ...ACCESS_MIGRATIONS];
