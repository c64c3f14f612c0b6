import { Module } from '@nestjs/common';
import { AssignCustomersHandler } from './application/assign-customers.handler';
import { ClaimCustomersHandler } from './application/claim-customers.handler';
import { CreatePoolHandler } from './application/create-pool.handler';
import { PoolQueries } from './application/pool-queries';
import { ReturnCustomerHandler } from './application/return-customer.handler';
import { TransferCustomersHandler } from './application/transfer-customers.handler';
import { UpdatePoolHandler } from './application/update-pool.handler';
import { CustomerOwnershipController } from './api/customer-ownership.controller';
import { CustomerPoolsController } from './api/customer-pools.controller';
import { LeadPoolsController } from './api/lead-pools.controller';

export { customerLedgerConsumer } from './application/customer-ledger.consumer';
export { Pools1700000003000 } from './infrastructure/pools.migration';

/** Customer public pools (公海池) and the ownership ledger of customers; lead pools share the model. */
@Module({
  controllers: [CustomerPoolsController, CustomerOwnershipController, LeadPoolsController],
  providers: [PoolQueries, CreatePoolHandler, UpdatePoolHandler, ClaimCustomersHandler, AssignCustomersHandler, TransferCustomersHandler, ReturnCustomerHandler],
})
export class PoolsModule {}
