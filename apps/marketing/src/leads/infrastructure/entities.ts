import { LeadConversionEntity } from './lead-conversion.entity';
import { LeadFollowUpEntity } from './lead-follow-up.entity';
import { LeadEntity } from './lead.entity';

export const LEAD_ENTITIES = [LeadEntity, LeadFollowUpEntity, LeadConversionEntity];
