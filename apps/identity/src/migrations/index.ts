import { MessagingTables1700000000200 } from '@crm/messaging';
import { DataRulesAndLoginLog1700000002000 } from './data-rules-and-login-log.migration';
import { IdentitySchema1700000001000 } from './identity-schema.migration';
import { AuditLogAndHandovers1700000003000 } from './audit-log-and-handovers.migration';
import { Notifications1700000004000 } from './notifications.migration';

/** Every migration of the identity database, in order. */
export const IDENTITY_MIGRATIONS = [MessagingTables1700000000200, IdentitySchema1700000001000, DataRulesAndLoginLog1700000002000, AuditLogAndHandovers1700000003000, Notifications1700000004000];
