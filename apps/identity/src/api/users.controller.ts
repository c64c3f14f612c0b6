import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiListQuery, ApiProblems } from '@crm/platform';
import { CreateUserHandler } from '../application/users/create-user.handler';
import { UnlockUserHandler } from '../application/users/unlock-user.handler';
import { UpdateUserHandler } from '../application/users/update-user.handler';
import { UserQueries } from '../application/users/user-queries';
import { CreateUserDto, MeDto, UpdateUserDto, UserDto, UserPageDto } from './user.dto';
import { AnySignedInUser, Ctx, RequestContext, RequireRoles } from '@crm/access';

@ApiTags('users')
@ApiBearerAuth('bearer')
@Controller('api/v1/users')
export class UsersController {
  constructor(
    private readonly queries: UserQueries,
    private readonly createUser: CreateUserHandler,
    private readonly updateUser: UpdateUserHandler,
    private readonly unlockUser: UnlockUserHandler,
  ) {}

  @Get()
  @AnySignedInUser()
  @ApiOperation({ summary: 'List users' })
  @ApiListQuery(['username', 'name', 'createdAt'], {
    departmentId: 'Users of this department.',
    status: '`active` or `disabled`.',
    q: 'Name or username contains (case-insensitive).',
  })
  @ApiOkResponse({ type: UserPageDto })
  @ApiProblems()
  list(@Ctx() ctx: RequestContext, @Query() query: Record<string, unknown>): Promise<UserPageDto> {
    return this.queries.list(ctx, query);
  }

  @Get(':id')
  @AnySignedInUser()
  @ApiOperation({ summary: 'Get a user' })
  @ApiOkResponse({ type: UserDto })
  @ApiProblems('not-found')
  get(@Ctx() ctx: RequestContext, @Param('id') id: string): Promise<UserDto> {
    return this.queries.get(ctx, id);
  }

  @Post()
  @RequireRoles('admin')
  @ApiOperation({ summary: 'Create a user (administrators)' })
  @ApiCreatedResponse({ type: UserDto })
  @ApiProblems('forbidden', 'conflict')
  create(@Ctx() ctx: RequestContext, @Body() body: CreateUserDto): Promise<UserDto> {
    return this.createUser.execute(ctx, body);
  }

  @Patch(':id')
  @RequireRoles('admin')
  @ApiOperation({ summary: 'Change a user\u2019s profile, department, superior, roles or status (administrators)' })
  @ApiOkResponse({ type: UserDto })
  @ApiProblems('forbidden', 'not-found', 'conflict')
  update(@Ctx() ctx: RequestContext, @Param('id') id: string, @Body() body: UpdateUserDto): Promise<UserDto> {
    return this.updateUser.execute(ctx, id, body);
  }

  @Post(':id/unlock')
  @HttpCode(204)
  @RequireRoles('admin')
  @ApiOperation({ summary: 'End a sign-in lockout now and reset the failed-attempt count (administrators)' })
  @ApiNoContentResponse({ description: 'The user may sign in again.' })
  @ApiProblems('forbidden', 'not-found')
  async unlock(@Ctx() ctx: RequestContext, @Param('id') id: string): Promise<void> {
    await this.unlockUser.execute(ctx, id);
  }
}

@ApiTags('users')
@ApiBearerAuth('bearer')
@Controller('api/v1/me')
export class MeController {
  constructor(private readonly queries: UserQueries) {}

  @Get()
  @AnySignedInUser()
  @ApiOperation({ summary: 'The signed-in user, with roles and organisation' })
  @ApiOkResponse({ type: MeDto })
  @ApiProblems()
  me(@Ctx() ctx: RequestContext): Promise<MeDto> {
    return this.queries.me(ctx);
  }
}
