import { auditTrail } from '@crm/access';

/** The marketing service's operation log: one entry per change to a lead (and, later, pools). */
export const audit = auditTrail('marketing');
