import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiListQuery, ApiProblems } from '@crm/platform';
import { LoginLogQueries } from '../application/login-logs/login-log-queries';
import { LoginLogPageDto } from './login-log.dto';
import { Ctx, RequestContext, RequireRoles } from '@crm/access';

@ApiTags('login-logs')
@ApiBearerAuth('bearer')
@Controller('api/v1/login-logs')
export class LoginLogsController {
  constructor(private readonly queries: LoginLogQueries) {}

  @Get()
  @RequireRoles('admin')
  @ApiOperation({
    summary: 'List sign-in attempts of the organisation (administrators)',
    description: 'Every attempt on the organisation, successful or not. Attempts naming an unknown organisation are not recorded: there is no organisation to file them under.',
  })
  @ApiListQuery(['username', 'time'], {
    userId: 'Attempts of this user.',
    username: 'Attempts with this username (case-insensitive, exact), including unknown ones.',
    success: '`true` or `false`.',
    from: 'At or after this instant (ISO 8601).',
    to: 'Before this instant (ISO 8601).',
  })
  @ApiOkResponse({ type: LoginLogPageDto })
  @ApiProblems('forbidden')
  list(@Ctx() ctx: RequestContext, @Query() query: Record<string, unknown>): Promise<LoginLogPageDto> {
    return this.queries.list(ctx, query);
  }
}
