import { auditTrail } from '@crm/access';

/** The sales service's operation log: one entry per change to a customer, contact or follow-up. */
export const audit = auditTrail('sales');
