import { ApiProperty } from '@nestjs/swagger';

export class NotificationSubjectDto {
  @ApiProperty({ description: 'Kind of record it is about.', example: 'customer-pool' }) objectType!: string;
  @ApiProperty({ description: 'The record.', example: '0190a6e2-7b3c-7d4e-8f00-000000000500', format: 'uuid' }) objectId!: string;
}

export class NotificationDto {
  @ApiProperty({ description: 'Message id.', example: '0190a6e2-7b3c-7d4e-8f00-000000000a00', format: 'uuid' }) id!: string;
  @ApiProperty({ description: 'The service that sent it.', example: 'marketing' }) service!: string;
  @ApiProperty({ description: 'Machine-readable kind.', example: 'pool.remind-no-follow-up' }) kind!: string;
  @ApiProperty({ description: 'One line.', example: '3 customers without follow-up for 7 days' }) title!: string;
  @ApiProperty({ description: 'The message.', example: 'Customers KH-20250328-0001, KH-20250328-0002 and KH-20250328-0007 have had no follow-up for 7 days.' }) body!: string;
  @ApiProperty({ description: 'What it is about, if one record.', type: NotificationSubjectDto, nullable: true }) subject!: NotificationSubjectDto | null;
  @ApiProperty({ description: 'When it was sent.', example: '2025-04-04T01:00:00.000Z', format: 'date-time' }) at!: string;
  @ApiProperty({ description: 'When you marked it read; null while unread.', example: null, format: 'date-time', nullable: true, type: String }) readAt!: string | null;
}

export class NotificationPageDto {
  @ApiProperty({ type: [NotificationDto], description: 'This page of your inbox, newest first.' }) items!: NotificationDto[];
  @ApiProperty({ description: 'Matching messages in all pages.', example: 12 }) total!: number;
  @ApiProperty({ description: 'Unread messages in your whole inbox.', example: 3 }) unread!: number;
  @ApiProperty({ description: 'Page number, from 1.', example: 1 }) page!: number;
  @ApiProperty({ description: 'Page size.', example: 20 }) pageSize!: number;
}

export class MarkedReadDto {
  @ApiProperty({ description: 'Messages newly marked read.', example: 3 }) marked!: number;
}
