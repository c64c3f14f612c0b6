import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Ctx, RequestContext, RequireRoles } from '@crm/access';
import { ApiListQuery, ApiProblems } from '@crm/platform';
import { AuditLogQueries } from '../application/audit-logs/audit-log-queries';
import { AuditLogPageDto } from './audit-log.dto';

@ApiTags('audit-logs')
@ApiBearerAuth('bearer')
@Controller('api/v1/audit-logs')
export class AuditLogsController {
  constructor(private readonly queries: AuditLogQueries) {}

  @Get()
  @RequireRoles('admin')
  @ApiOperation({
    summary: 'The operation log: who changed which record, when, from where, and how (administrators)',
    description: 'One entry per create, update, delete, restore, owner change, share and handover of a business record in any service, with the changed fields before and after. Entries arrive through events, usually within a second of the change.',
  })
  @ApiListQuery(['at'], {
    objectType: 'Kind of record: `customer`, `contact`, `follow-up`, ...',
    objectId: 'Entries of this record.',
    actorId: 'Changes made by this user.',
    action: '`create`, `update`, `delete`, `restore`, `handover`, `owner-change`, `share`, `unshare` or `purge`.',
    service: '`marketing`, `sales` or `after-sales`.',
    from: 'At or after this instant (ISO 8601).',
    to: 'Before this instant (ISO 8601).',
  })
  @ApiOkResponse({ type: AuditLogPageDto })
  @ApiProblems('forbidden')
  list(@Ctx() ctx: RequestContext, @Query() query: Record<string, unknown>): Promise<AuditLogPageDto> {
    return this.queries.list(ctx, query);
  }
}
