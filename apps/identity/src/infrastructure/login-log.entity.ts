import { Column, Entity, PrimaryColumn } from 'typeorm';

export type ClientType = 'web' | 'app';
export const LOGIN_FAILURE_REASONS = ['unknown-user', 'bad-password', 'disabled', 'locked'] as const;
export type LoginFailureReason = (typeof LOGIN_FAILURE_REASONS)[number];

/** One sign-in attempt of a known organisation, successful or not (登录日志). Append-only. */
@Entity('login_logs')
export class LoginLogEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column({ type: 'uuid', name: 'tenant_id' }) tenantId!: string;
  /** Null when the username matched no user. */
  @Column({ type: 'uuid', name: 'user_id', nullable: true }) userId!: string | null;
  /** As typed at sign-in. */
  @Column('text') username!: string;
  @Column({ type: 'timestamptz', name: 'attempted_at' }) attemptedAt!: Date;
  @Column({ type: 'text', nullable: true }) ip!: string | null;
  @Column({ type: 'text', name: 'user_agent', nullable: true }) userAgent!: string | null;
  @Column({ type: 'text', name: 'client_type' }) clientType!: ClientType;
  @Column('boolean') success!: boolean;
  @Column({ type: 'text', name: 'failure_reason', nullable: true }) failureReason!: LoginFailureReason | null;
}
