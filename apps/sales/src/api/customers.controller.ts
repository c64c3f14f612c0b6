import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiExtraModels, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiQuery, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { AnySignedInUser, Ctx, DataScoped, RecordShare, RequestContext, RequireRoles } from '@crm/access';
import { validationError } from '@crm/kernel';
import { ApiListQuery, ApiProblems } from '@crm/platform';
import { ContactQueries } from '../application/contacts/contact-queries';
import { AssignCustomerOwnerHandler } from '../application/customers/assign-customer-owner.handler';
import { CreateCustomerHandler } from '../application/customers/create-customer.handler';
import { CustomerQueries } from '../application/customers/customer-queries';
import { CustomerView } from '../application/customers/customer-view';
import { DeleteCustomerHandler } from '../application/customers/delete-customer.handler';
import { RestoreCustomerHandler } from '../application/customers/restore-customer.handler';
import { CustomerSharesHandler, ShareCustomerHandler } from '../application/customers/share-customer.handler';
import { UpdateCustomerHandler } from '../application/customers/update-customer.handler';
import { AssignCustomerOwnerDto, CreateCustomerDto, CustomerDto, CustomerPageDto, RecordShareDto, ShareCustomerDto, UpdateCustomerDto } from './customer.dto';
import { ContactPageDto } from './contact.dto';

@ApiTags('customers')
@ApiBearerAuth('bearer')
@Controller('api/v1/customers')
export class CustomersController {
  constructor(
    private readonly queries: CustomerQueries,
    private readonly createCustomer: CreateCustomerHandler,
    private readonly updateCustomer: UpdateCustomerHandler,
    private readonly deleteCustomer: DeleteCustomerHandler,
    private readonly restoreCustomer: RestoreCustomerHandler,
    private readonly assignOwner: AssignCustomerOwnerHandler,
    private readonly shareCustomer: ShareCustomerHandler,
    private readonly shares: CustomerSharesHandler,
  ) {}

  @Get()
  @DataScoped('customer', 'query')
  @ApiOperation({ summary: 'List the customers your data scope lets you query' })
  @ApiListQuery(['name', 'code', 'createdAt', 'updatedAt'], {
    ownerId: 'Customers of this owner.',
    type: 'Customer type equals.',
    level: 'Customer level equals.',
    q: 'Name, phone or code contains (case-insensitive).',
  })
  @ApiOkResponse({ type: CustomerPageDto })
  @ApiProblems()
  list(@Ctx() ctx: RequestContext, @Query() query: Record<string, unknown>): Promise<CustomerPageDto> {
    return this.queries.list(ctx, query);
  }

  @Get(':id')
  @DataScoped('customer', 'view', { record: 'path' })
  @ApiOperation({ summary: 'Get a customer (404 when your view scope does not reach it)' })
  @ApiOkResponse({ type: CustomerDto })
  @ApiProblems('not-found')
  get(@Ctx() ctx: RequestContext, @Param('id') id: string): Promise<CustomerView> {
    return this.queries.get(ctx, id);
  }

  @Post()
  @AnySignedInUser()
  @ApiOperation({ summary: 'Create a customer; you become its owner and it gets the next KH- number' })
  @ApiCreatedResponse({ type: CustomerDto })
  @ApiProblems()
  create(@Ctx() ctx: RequestContext, @Body() body: CreateCustomerDto): Promise<CustomerView> {
    return this.createCustomer.execute(ctx, body);
  }

  @Patch(':id')
  @DataScoped('customer', 'edit', { record: 'path' })
  @ApiOperation({ summary: 'Change a customer (403 when you may view but not edit it)' })
  @ApiOkResponse({ type: CustomerDto })
  @ApiProblems('forbidden', 'not-found')
  update(@Ctx() ctx: RequestContext, @Param('id') id: string, @Body() body: UpdateCustomerDto): Promise<CustomerView> {
    return this.updateCustomer.execute(ctx, id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @DataScoped('customer', 'edit', { record: 'path' })
  @ApiOperation({ summary: 'Move a customer, its contacts and follow-ups to the recycle bin' })
  @ApiNoContentResponse({ description: 'In the recycle bin.' })
  @ApiProblems('forbidden', 'not-found')
  async remove(@Ctx() ctx: RequestContext, @Param('id') id: string): Promise<void> {
    await this.deleteCustomer.execute(ctx, id);
  }

  @Post(':id/restore')
  @HttpCode(200)
  @DataScoped('customer', 'edit', { record: 'path', deleted: true })
  @ApiOperation({ summary: 'Bring a customer back from the recycle bin, with the contacts and follow-ups deleted with it' })
  @ApiOkResponse({ type: CustomerDto })
  @ApiProblems('forbidden', 'not-found', 'conflict')
  restore(@Ctx() ctx: RequestContext, @Param('id') id: string): Promise<CustomerView> {
    return this.restoreCustomer.execute(ctx, id);
  }

  @Put(':id/owner')
  @RequireRoles('admin')
  @ApiOperation({ summary: 'Give a customer (and its contacts) another owner (administrators)' })
  @ApiOkResponse({ type: CustomerDto })
  @ApiProblems('forbidden', 'not-found')
  owner(@Ctx() ctx: RequestContext, @Param('id') id: string, @Body() body: AssignCustomerOwnerDto): Promise<CustomerView> {
    return this.assignOwner.execute(ctx, id, body.ownerId);
  }

  @Post(':id/shares')
  @DataScoped('customer', 'edit', { record: 'path' })
  @ApiOperation({ summary: 'Share a customer with a user or a department, to read or to edit, optionally until a time' })
  @ApiCreatedResponse({ type: RecordShareDto })
  @ApiProblems('forbidden', 'not-found')
  share(@Ctx() ctx: RequestContext, @Param('id') id: string, @Body() body: ShareCustomerDto): Promise<RecordShare> {
    return this.shareCustomer.execute(ctx, id, body);
  }

  @Get(':id/shares')
  @DataScoped('customer', 'edit', { record: 'path' })
  @ApiOperation({ summary: 'The customer\u2019s shares, expired ones included (for those who may edit it)' })
  @ApiOkResponse({ type: [RecordShareDto] })
  @ApiProblems('forbidden', 'not-found')
  listShares(@Ctx() ctx: RequestContext, @Param('id') id: string): Promise<RecordShare[]> {
    return this.shares.list(ctx, id);
  }

  @Delete(':id/shares/:shareId')
  @HttpCode(204)
  @DataScoped('customer', 'edit', { record: 'path' })
  @ApiOperation({ summary: 'End a share at once' })
  @ApiNoContentResponse({ description: 'The share no longer grants anything.' })
  @ApiProblems('forbidden', 'not-found')
  async revokeShare(@Ctx() ctx: RequestContext, @Param('id') id: string, @Param('shareId') shareId: string): Promise<void> {
    await this.shares.revoke(ctx, id, shareId);
  }
}

const RECYCLABLE_OBJECTS = ['customer', 'contact'] as const;

@ApiTags('recycle-bin')
@ApiBearerAuth('bearer')
@ApiExtraModels(CustomerPageDto, ContactPageDto)
@Controller('api/v1/recycle-bin')
export class RecycleBinController {
  constructor(
    private readonly customers: CustomerQueries,
    private readonly contacts: ContactQueries,
  ) {}

  @Get()
  @DataScoped([...RECYCLABLE_OBJECTS], 'edit', { deleted: true, objectFrom: 'query.object' })
  @ApiOperation({
    summary: 'Soft-deleted records you may restore (those you may edit)',
    description:
      '`object=customer`: deleted customers (their contacts and follow-ups come back with them). `object=contact`: contacts deleted on their own, whose customer is live. ' +
      'Records stay here for the retention period (`RECYCLE_BIN_RETENTION_DAYS`), then are purged.',
  })
  @ApiQuery({ name: 'object', required: true, description: 'Kind of record.', enum: RECYCLABLE_OBJECTS })
  @ApiListQuery(['name', 'code', 'deletedAt'], { q: 'Name, phone (or code, for customers) contains (case-insensitive).' })
  @ApiOkResponse({ schema: { oneOf: [{ $ref: getSchemaPath(CustomerPageDto) }, { $ref: getSchemaPath(ContactPageDto) }] }, description: 'A page of customers or of contacts, as `object` asks.' })
  @ApiProblems()
  list(@Ctx() ctx: RequestContext, @Query() query: Record<string, unknown>): Promise<CustomerPageDto | ContactPageDto> {
    if (query.object === 'customer') return this.customers.recycleBin(ctx, query);
    if (query.object === 'contact') return this.contacts.recycleBin(ctx, query);
    throw validationError([{ field: 'object', message: `must be one of: ${RECYCLABLE_OBJECTS.join(', ')}` }]);
  }
}
