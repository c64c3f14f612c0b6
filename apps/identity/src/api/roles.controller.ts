import { Body, Controller, Get, Param, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiListQuery, ApiProblems } from '@crm/platform';
import { RoleDataRulesService } from '../application/roles/role-data-rules.service';
import { RolesService } from '../application/roles/roles.service';
import { CreateRoleDto, DataRulesDto, RoleDto, RolePageDto, SetDataRulesDto } from './role.dto';
import { AnySignedInUser, Ctx, RequestContext, RequireRoles } from '@crm/access';

@ApiTags('roles')
@ApiBearerAuth('bearer')
@Controller('api/v1/roles')
export class RolesController {
  constructor(
    private readonly roles: RolesService,
    private readonly dataRules: RoleDataRulesService,
  ) {}

  @Get()
  @AnySignedInUser()
  @ApiOperation({ summary: 'List the organisation\u2019s roles' })
  @ApiListQuery(['code', 'name', 'createdAt'], { code: 'Exact role code.' })
  @ApiOkResponse({ type: RolePageDto })
  @ApiProblems()
  list(@Ctx() ctx: RequestContext, @Query() query: Record<string, unknown>): Promise<RolePageDto> {
    return this.roles.list(ctx, query);
  }

  @Post()
  @RequireRoles('admin')
  @ApiOperation({ summary: 'Create a role (administrators)' })
  @ApiCreatedResponse({ type: RoleDto })
  @ApiProblems('forbidden', 'conflict')
  create(@Ctx() ctx: RequestContext, @Body() body: CreateRoleDto): Promise<RoleDto> {
    return this.roles.create(ctx, body);
  }

  @Get(':id/data-rules')
  @AnySignedInUser()
  @ApiOperation({ summary: 'A role\u2019s data-scope rules: whose records it may list, view and edit, per business object' })
  @ApiOkResponse({ type: DataRulesDto })
  @ApiProblems('not-found')
  getDataRules(@Ctx() ctx: RequestContext, @Param('id') id: string): Promise<DataRulesDto> {
    return this.dataRules.get(ctx, id);
  }

  @Put(':id/data-rules')
  @RequireRoles('admin')
  @ApiOperation({
    summary: 'Set some of a role\u2019s data-scope rules (administrators)',
    description: 'Sets the given object/action combinations and keeps the others; answers all rules. A change publishes crm.identity.role.data-rules-changed with every rule of the role.',
  })
  @ApiOkResponse({ type: DataRulesDto })
  @ApiProblems('forbidden', 'not-found')
  setDataRules(@Ctx() ctx: RequestContext, @Param('id') id: string, @Body() body: SetDataRulesDto): Promise<DataRulesDto> {
    return this.dataRules.replace(ctx, id, body.items);
  }
}
