import { Body, Controller, Get, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '@crm/platform';
import { RequestContext } from '../application/request-context';
import { RolesService } from '../application/roles/roles.service';
import { ApiListQuery } from './list-query.decorator';
import { Ctx } from './request-context.decorator';
import { CreateRoleDto, RoleDto, RolePageDto } from './role.dto';

@ApiTags('roles')
@ApiBearerAuth('bearer')
@Controller('api/v1/roles')
export class RolesController {
  constructor(private readonly roles: RolesService) {}

  @Get()
  @ApiOperation({ summary: 'List the organisation\u2019s roles' })
  @ApiListQuery(['code', 'name', 'createdAt'], { code: 'Exact role code.' })
  @ApiOkResponse({ type: RolePageDto })
  @ApiProblems()
  list(@Ctx() ctx: RequestContext, @Query() query: Record<string, unknown>): Promise<RolePageDto> {
    return this.roles.list(ctx, query);
  }

  @Post()
  @ApiOperation({ summary: 'Create a role (administrators)' })
  @ApiCreatedResponse({ type: RoleDto })
  @ApiProblems('forbidden', 'conflict')
  create(@Ctx() ctx: RequestContext, @Body() body: CreateRoleDto): Promise<RoleDto> {
    return this.roles.create(ctx, body);
  }
}
