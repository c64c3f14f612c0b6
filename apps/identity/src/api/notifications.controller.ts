import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AnySignedInUser, Ctx, RequestContext } from '@crm/access';
import { ApiListQuery, ApiProblems } from '@crm/platform';
import { NotificationInbox, NotificationView } from '../application/notifications/notification-inbox';
import { MarkedReadDto, NotificationDto, NotificationPageDto } from './notification.dto';

@ApiTags('notifications')
@ApiBearerAuth('bearer')
@Controller('api/v1/notifications')
export class NotificationsController {
  constructor(private readonly inbox: NotificationInbox) {}

  @Get()
  @AnySignedInUser()
  @ApiOperation({ summary: 'Your notification inbox (reminders from the pools and other services)' })
  @ApiListQuery(['at'], { unread: '`true`: unread only; `false`: read only.', kind: 'Messages of this kind, e.g. `pool.remind-no-follow-up`.' })
  @ApiOkResponse({ type: NotificationPageDto })
  @ApiProblems()
  list(@Ctx() ctx: RequestContext, @Query() query: Record<string, unknown>): Promise<NotificationPageDto> {
    return this.inbox.list(ctx, query);
  }

  @Post('read-all')
  @HttpCode(200)
  @AnySignedInUser()
  @ApiOperation({ summary: 'Mark every message in your inbox read' })
  @ApiOkResponse({ type: MarkedReadDto })
  @ApiProblems()
  readAll(@Ctx() ctx: RequestContext): Promise<MarkedReadDto> {
    return this.inbox.markAllRead(ctx);
  }

  @Post(':id/read')
  @HttpCode(200)
  @AnySignedInUser()
  @ApiOperation({ summary: 'Mark one message read (again: no change)' })
  @ApiOkResponse({ type: NotificationDto })
  @ApiProblems('not-found')
  read(@Ctx() ctx: RequestContext, @Param('id') id: string): Promise<NotificationView> {
    return this.inbox.markRead(ctx, id);
  }
}
