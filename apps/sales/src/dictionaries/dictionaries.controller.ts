import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { AnySignedInUser, Ctx, RequestContext, RequireRoles } from '@crm/access';
import { ApiProblems } from '@crm/platform';
import { DictionariesService, DictionaryItemView, DictionaryView } from './dictionaries.service';
import { CreateDictionaryItemDto, DictionaryDto, DictionaryItemDto, DictionaryListDto, DictionaryQueryDto, UpdateDictionaryItemDto } from './dictionary.dto';
import { DICTIONARY_KIND_NAMES } from './dictionary-kinds';

const KIND = ApiParam({ name: 'kind', description: 'Dictionary kind (404 `DICTIONARY.UNKNOWN_KIND` for any other).', enum: DICTIONARY_KIND_NAMES, example: 'customer-source' });
const CODE = ApiParam({ name: 'code', description: 'Item code.', example: 'exhibition' });

@ApiTags('dictionaries')
@ApiBearerAuth('bearer')
@Controller('api/v1/dictionaries')
export class DictionariesController {
  constructor(private readonly dictionaries: DictionariesService) {}

  @Get()
  @AnySignedInUser()
  @ApiOperation({ summary: 'Every data dictionary with its items (customer type, source, industry, level; contact decision role)' })
  @ApiOkResponse({ type: DictionaryListDto })
  @ApiProblems()
  async list(@Ctx() ctx: RequestContext, @Query() query: DictionaryQueryDto): Promise<{ items: DictionaryView[] }> {
    return { items: await this.dictionaries.list(ctx.caller.tenantId, query.enabled === 'true') };
  }

  @Get(':kind')
  @KIND
  @AnySignedInUser()
  @ApiOperation({ summary: 'One data dictionary with its items' })
  @ApiOkResponse({ type: DictionaryDto })
  @ApiProblems('not-found')
  get(@Ctx() ctx: RequestContext, @Param('kind') kind: string, @Query() query: DictionaryQueryDto): Promise<DictionaryView> {
    return this.dictionaries.get(ctx.caller.tenantId, kind, query.enabled === 'true');
  }

  @Post(':kind/items')
  @RequireRoles('admin')
  @KIND
  @ApiOperation({ summary: 'Add an item to a dictionary (administrators); 409 DICTIONARY.ITEM_EXISTS when the code is taken' })
  @ApiCreatedResponse({ type: DictionaryItemDto })
  @ApiProblems('forbidden', 'not-found', 'conflict')
  add(@Ctx() ctx: RequestContext, @Param('kind') kind: string, @Body() body: CreateDictionaryItemDto): Promise<DictionaryItemView> {
    return this.dictionaries.add(ctx.caller.tenantId, kind, body);
  }

  @Patch(':kind/items/:code')
  @RequireRoles('admin')
  @KIND
  @CODE
  @ApiOperation({ summary: 'Change an item\u2019s labels, position, or enable/disable it (administrators); the code never changes' })
  @ApiOkResponse({ type: DictionaryItemDto })
  @ApiProblems('forbidden', 'not-found')
  update(@Ctx() ctx: RequestContext, @Param('kind') kind: string, @Param('code') code: string, @Body() body: UpdateDictionaryItemDto): Promise<DictionaryItemView> {
    return this.dictionaries.update(ctx.caller.tenantId, kind, code, body);
  }

  @Delete(':kind/items/:code')
  @RequireRoles('admin')
  @HttpCode(204)
  @KIND
  @CODE
  @ApiOperation({
    summary: 'Delete an item no customer or contact uses (administrators)',
    description: 'An item that a record uses, the recycle bin included, answers 409 DICTIONARY.ITEM_IN_USE: disable it instead (PATCH with `enabled: false`).',
  })
  @ApiNoContentResponse({ description: 'Deleted.' })
  @ApiProblems('forbidden', 'not-found', 'conflict')
  async remove(@Ctx() ctx: RequestContext, @Param('kind') kind: string, @Param('code') code: string): Promise<void> {
    await this.dictionaries.remove(ctx.caller.tenantId, kind, code);
  }
}
