import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiListQuery, ApiProblems } from '@crm/platform';
import { CreateDepartmentHandler } from '../application/departments/create-department.handler';
import { DeleteDepartmentHandler } from '../application/departments/delete-department.handler';
import { DepartmentQueries } from '../application/departments/department-queries';
import { UpdateDepartmentHandler } from '../application/departments/update-department.handler';
import { CreateDepartmentDto, DepartmentDto, DepartmentPageDto, UpdateDepartmentDto } from './department.dto';
import { AnySignedInUser, Ctx, RequestContext, RequireRoles } from '@crm/access';

@ApiTags('departments')
@ApiBearerAuth('bearer')
@Controller('api/v1/departments')
export class DepartmentsController {
  constructor(
    private readonly queries: DepartmentQueries,
    private readonly createDepartment: CreateDepartmentHandler,
    private readonly updateDepartment: UpdateDepartmentHandler,
    private readonly deleteDepartment: DeleteDepartmentHandler,
  ) {}

  @Get()
  @AnySignedInUser()
  @ApiOperation({ summary: 'List departments' })
  @ApiListQuery(['name', 'createdAt'], { parentId: 'Direct children of this department; empty for the top level.', name: 'Name contains (case-insensitive).' })
  @ApiOkResponse({ type: DepartmentPageDto })
  @ApiProblems()
  list(@Ctx() ctx: RequestContext, @Query() query: Record<string, unknown>): Promise<DepartmentPageDto> {
    return this.queries.list(ctx, query);
  }

  @Get(':id')
  @AnySignedInUser()
  @ApiOperation({ summary: 'Get a department' })
  @ApiOkResponse({ type: DepartmentDto })
  @ApiProblems('not-found')
  get(@Ctx() ctx: RequestContext, @Param('id') id: string): Promise<DepartmentDto> {
    return this.queries.get(ctx, id);
  }

  @Post()
  @RequireRoles('admin')
  @ApiOperation({ summary: 'Create a department (administrators)' })
  @ApiCreatedResponse({ type: DepartmentDto })
  @ApiProblems('forbidden')
  create(@Ctx() ctx: RequestContext, @Body() body: CreateDepartmentDto): Promise<DepartmentDto> {
    return this.createDepartment.execute(ctx, body);
  }

  @Patch(':id')
  @RequireRoles('admin')
  @ApiOperation({ summary: 'Rename, move (with its subtree) or change the manager of a department (administrators)' })
  @ApiOkResponse({ type: DepartmentDto })
  @ApiProblems('forbidden', 'not-found', 'conflict')
  update(@Ctx() ctx: RequestContext, @Param('id') id: string, @Body() body: UpdateDepartmentDto): Promise<DepartmentDto> {
    return this.updateDepartment.execute(ctx, id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @RequireRoles('admin')
  @ApiOperation({ summary: 'Delete a department with no sub-departments and no users (administrators)' })
  @ApiNoContentResponse({ description: 'Deleted.' })
  @ApiProblems('forbidden', 'not-found', 'conflict')
  async remove(@Ctx() ctx: RequestContext, @Param('id') id: string): Promise<void> {
    await this.deleteDepartment.execute(ctx, id);
  }
}
