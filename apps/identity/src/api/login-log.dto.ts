import { ApiProperty } from '@nestjs/swagger';
import { LOGIN_FAILURE_REASONS } from '../infrastructure/login-log.entity';

export class LoginLogDto {
  @ApiProperty({ description: 'Log entry id.', example: '0190a6e2-7b3c-7d4e-8f00-000000000020', format: 'uuid' }) id!: string;
  @ApiProperty({ description: 'The user signing in; null when the username matched no user.', example: '0190a6e2-7b3c-7d4e-8f00-000000000003', format: 'uuid', nullable: true, type: String }) userId!: string | null;
  @ApiProperty({ description: 'The username as typed.', example: 'li.na' }) username!: string;
  @ApiProperty({ description: 'When the attempt was made.', example: '2025-03-28T08:00:00.000Z', format: 'date-time' }) time!: string;
  @ApiProperty({ description: 'Client IP address: the last `x-forwarded-for` address (added by the gateway), else the connection\u2019s.', example: '203.0.113.7', nullable: true, type: String }) ip!: string | null;
  @ApiProperty({ description: 'The client\u2019s User-Agent header.', example: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64)', nullable: true, type: String }) userAgent!: string | null;
  @ApiProperty({ description: 'From the `x-client-type` header of the sign-in: `app` or `web` (default).', example: 'web', enum: ['web', 'app'] }) clientType!: 'web' | 'app';
  @ApiProperty({ description: 'Whether the sign-in succeeded.', example: false }) success!: boolean;
  @ApiProperty({
    description: 'Why it failed: `unknown-user`, `bad-password`, `disabled` (right password, disabled user) or `locked` (refused during a lockout); null on success.',
    example: 'bad-password',
    enum: LOGIN_FAILURE_REASONS,
    nullable: true,
    type: String,
  })
  failureReason!: string | null;
}

export class LoginLogPageDto {
  @ApiProperty({ type: [LoginLogDto], description: 'This page of sign-in attempts.' }) items!: LoginLogDto[];
  @ApiProperty({ description: 'Matching attempts in all pages.', example: 57 }) total!: number;
  @ApiProperty({ description: 'Page number, from 1.', example: 1 }) page!: number;
  @ApiProperty({ description: 'Page size.', example: 20 }) pageSize!: number;
}
