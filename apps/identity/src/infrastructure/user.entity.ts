import { Column, Entity, PrimaryColumn } from 'typeorm';

export type UserStatus = 'active' | 'disabled';

@Entity('users')
export class UserEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column({ type: 'uuid', name: 'tenant_id' }) tenantId!: string;
  @Column('text') username!: string;
  @Column({ type: 'text', name: 'password_hash' }) passwordHash!: string;
  @Column('text') name!: string;
  @Column({ type: 'text', nullable: true }) phone!: string | null;
  @Column({ type: 'text', nullable: true }) email!: string | null;
  @Column({ type: 'uuid', name: 'department_id' }) departmentId!: string;
  @Column({ type: 'uuid', name: 'superior_id', nullable: true }) superiorId!: string | null;
  @Column('text') status!: UserStatus;
  /** Wrong passwords in a row since the last successful sign-in (or the last lockout's end). */
  @Column({ type: 'int', name: 'failed_logins', default: 0 }) failedLogins!: number;
  /** Sign-in is refused until then, even with the right password. */
  @Column({ type: 'timestamptz', name: 'locked_until', nullable: true }) lockedUntil!: Date | null;
  @Column({ type: 'timestamptz', name: 'created_at', default: () => 'now()' }) createdAt!: Date;
  @Column({ type: 'timestamptz', name: 'updated_at', default: () => 'now()' }) updatedAt!: Date;
}

@Entity('user_roles')
export class UserRoleEntity {
  @Column({ type: 'uuid', name: 'tenant_id' }) tenantId!: string;
  @PrimaryColumn({ type: 'uuid', name: 'user_id' }) userId!: string;
  @PrimaryColumn({ type: 'uuid', name: 'role_id' }) roleId!: string;
}
