import { notFound } from '@crm/kernel';
import { FollowUpEntity, FollowUpType } from '../../infrastructure/follow-up.entity';

export interface FollowUpView {
  id: string;
  customerId: string;
  contactId: string | null;
  ownerId: string;
  type: FollowUpType;
  content: string;
  time: string;
  nextFollowUpAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export const followUpNotFound = () => notFound('FOLLOW_UP.NOT_FOUND', 'No such follow-up in your organisation, or you may not see it.');

export function toFollowUpView(f: FollowUpEntity): FollowUpView {
  return {
    id: f.id,
    customerId: f.customerId,
    contactId: f.contactId,
    ownerId: f.ownerId,
    type: f.type,
    content: f.content,
    time: f.time.toISOString(),
    nextFollowUpAt: f.nextFollowUpAt ? f.nextFollowUpAt.toISOString() : null,
    createdAt: f.createdAt.toISOString(),
    updatedAt: f.updatedAt.toISOString(),
  };
}
