import { HandoverTransfer, transferOwned } from '@crm/access';
import { ContactUpdated, CustomerUpdated, FollowUpUpdated } from '@crm/contracts';
import { ContactEntity } from '../../infrastructure/contact.entity';
import { CustomerEntity } from '../../infrastructure/customer.entity';
import { FollowUpEntity } from '../../infrastructure/follow-up.entity';
import { audit } from '../audit';
import { toContactView } from '../contacts/contact-view';
import { toCustomerView } from '../customers/customer-view';
import { toFollowUpView } from '../follow-ups/follow-up-view';

/** The sales part of a handover: the leaver's customers, contacts and follow-ups. */
export const transferSalesRecords: HandoverTransfer = async (m, job, actor) => ({
  customer: await transferOwned(m, audit, { object: 'customer', entity: CustomerEntity, view: toCustomerView, updated: CustomerUpdated, stampsEditor: true }, job, actor),
  contact: await transferOwned(m, audit, { object: 'contact', entity: ContactEntity, view: toContactView, updated: ContactUpdated, stampsEditor: true }, job, actor),
  'follow-up': await transferOwned(m, audit, { object: 'follow-up', entity: FollowUpEntity, view: toFollowUpView, updated: FollowUpUpdated, stampsEditor: false }, job, actor),
});
