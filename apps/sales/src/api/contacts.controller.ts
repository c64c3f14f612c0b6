import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiListQuery, ApiProblems } from '@crm/platform';
import { CreateContactHandler, DeleteContactHandler, RestoreContactHandler, UpdateContactHandler } from '../application/contacts/contact-commands';
import { ContactQueries } from '../application/contacts/contact-queries';
import { ContactView } from '../application/contacts/contact-view';
import { ContactDto, ContactPageDto, CreateContactDto, UpdateContactDto } from './contact.dto';
import { Ctx, DataScoped, RequestContext } from '@crm/access';

@ApiTags('contacts')
@ApiBearerAuth('bearer')
@Controller('api/v1/contacts')
export class ContactsController {
  constructor(
    private readonly queries: ContactQueries,
    private readonly createContact: CreateContactHandler,
    private readonly updateContact: UpdateContactHandler,
    private readonly deleteContact: DeleteContactHandler,
    private readonly restoreContact: RestoreContactHandler,
  ) {}

  @Get()
  @DataScoped('contact', 'query')
  @ApiOperation({ summary: 'List the contacts your data scope lets you query' })
  @ApiListQuery(['name', 'createdAt', 'updatedAt'], { customerId: 'Contacts of this customer.', q: 'Name or a phone number contains (case-insensitive).' })
  @ApiOkResponse({ type: ContactPageDto })
  @ApiProblems()
  list(@Ctx() ctx: RequestContext, @Query() query: Record<string, unknown>): Promise<ContactPageDto> {
    return this.queries.list(ctx, query);
  }

  @Get(':id')
  @DataScoped('contact', 'view', { record: 'path' })
  @ApiOperation({ summary: 'Get a contact' })
  @ApiOkResponse({ type: ContactDto })
  @ApiProblems('not-found')
  get(@Ctx() ctx: RequestContext, @Param('id') id: string): Promise<ContactView> {
    return this.queries.get(ctx, id);
  }

  @Post()
  @DataScoped('customer', 'edit', { record: 'body.customerId' })
  @ApiOperation({ summary: 'Add a contact to a customer you may edit; it belongs to the customer\u2019s owner' })
  @ApiCreatedResponse({ type: ContactDto })
  @ApiProblems('forbidden', 'not-found')
  create(@Ctx() ctx: RequestContext, @Body() body: CreateContactDto): Promise<ContactView> {
    return this.createContact.execute(ctx, body);
  }

  @Patch(':id')
  @DataScoped('contact', 'edit', { record: 'path' })
  @ApiOperation({ summary: 'Change a contact' })
  @ApiOkResponse({ type: ContactDto })
  @ApiProblems('forbidden', 'not-found')
  update(@Ctx() ctx: RequestContext, @Param('id') id: string, @Body() body: UpdateContactDto): Promise<ContactView> {
    return this.updateContact.execute(ctx, id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @DataScoped('contact', 'edit', { record: 'path' })
  @ApiOperation({ summary: 'Delete a contact (soft delete)' })
  @ApiNoContentResponse({ description: 'Deleted.' })
  @ApiProblems('forbidden', 'not-found')
  async remove(@Ctx() ctx: RequestContext, @Param('id') id: string): Promise<void> {
    await this.deleteContact.execute(ctx, id);
  }

  @Post(':id/restore')
  @HttpCode(200)
  @DataScoped('contact', 'edit', { record: 'path', deleted: true })
  @ApiOperation({ summary: 'Bring back a contact deleted on its own (409 when its customer is in the recycle bin: restore the customer)' })
  @ApiOkResponse({ type: ContactDto })
  @ApiProblems('forbidden', 'not-found', 'conflict')
  restore(@Ctx() ctx: RequestContext, @Param('id') id: string): Promise<ContactView> {
    return this.restoreContact.execute(ctx, id);
  }
}
