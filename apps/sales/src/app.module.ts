import { DynamicModule, Module } from '@nestjs/common';
import { BusinessServiceModule } from '@crm/access';
import { ContactsController } from './api/contacts.controller';
import { CustomersController, RecycleBinController } from './api/customers.controller';
import { FollowUpsController } from './api/follow-ups.controller';
import { CreateContactHandler, DeleteContactHandler, RestoreContactHandler, UpdateContactHandler } from './application/contacts/contact-commands';
import { ContactQueries } from './application/contacts/contact-queries';
import { AssignCustomerOwnerHandler } from './application/customers/assign-customer-owner.handler';
import { CreateCustomerHandler } from './application/customers/create-customer.handler';
import { CustomerQueries } from './application/customers/customer-queries';
import { DeleteCustomerHandler } from './application/customers/delete-customer.handler';
import { RestoreCustomerHandler } from './application/customers/restore-customer.handler';
import { CustomerSharesHandler, ShareCustomerHandler } from './application/customers/share-customer.handler';
import { UpdateCustomerHandler } from './application/customers/update-customer.handler';
import { CreateFollowUpHandler, DeleteFollowUpHandler, UpdateFollowUpHandler } from './application/follow-ups/follow-up-commands';
import { FollowUpQueries } from './application/follow-ups/follow-up-queries';
import { transferSalesRecords } from './application/handover/transfer-sales-records';
import { PurgeRecycleBinJob } from './application/recycle-bin/purge-recycle-bin.job';
import { ownerChangeConsumer } from './application/customers/apply-owner-change.consumer';
import { leadConversionConsumer } from './application/conversions/lead-conversion.consumer';
import { SalesConfig } from './config';
import { DictionariesModule } from './dictionaries/dictionaries.module';
import { SALES_ENTITIES } from './infrastructure/entities';
import { SALES_MIGRATIONS } from './migrations';

/** The sales context: customers, contacts and follow-ups (opportunities come next), on its org projection. */
@Module({})
export class SalesModule {
  static register(config: SalesConfig): DynamicModule {
    return {
      module: SalesModule,
      imports: [DictionariesModule, BusinessServiceModule.forRoot({ service: 'sales', config, entities: SALES_ENTITIES, migrations: SALES_MIGRATIONS, handover: transferSalesRecords, consumers: [ownerChangeConsumer, leadConversionConsumer] })],
      controllers: [CustomersController, RecycleBinController, ContactsController, FollowUpsController],
      providers: [
        { provide: SalesConfig, useValue: config },
        PurgeRecycleBinJob,
        CustomerQueries,
        CreateCustomerHandler,
        UpdateCustomerHandler,
        DeleteCustomerHandler,
        RestoreCustomerHandler,
        AssignCustomerOwnerHandler,
        ShareCustomerHandler,
        CustomerSharesHandler,
        ContactQueries,
        CreateContactHandler,
        UpdateContactHandler,
        DeleteContactHandler,
        RestoreContactHandler,
        FollowUpQueries,
        CreateFollowUpHandler,
        UpdateFollowUpHandler,
        DeleteFollowUpHandler,
      ],
    };
  }
}
