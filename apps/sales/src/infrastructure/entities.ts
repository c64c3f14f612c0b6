import { DictionaryItemEntity } from '../dictionaries/dictionary-item.entity';
import { ContactEntity } from './contact.entity';
import { CustomerEntity } from './customer.entity';
import { FollowUpEntity } from './follow-up.entity';

export const SALES_ENTITIES = [CustomerEntity, ContactEntity, FollowUpEntity, DictionaryItemEntity];
