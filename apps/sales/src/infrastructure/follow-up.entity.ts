import { Column, Entity, PrimaryColumn } from 'typeorm';

export const FOLLOW_UP_TYPES = ['call', 'visit', 'message', 'meeting'] as const;
export type FollowUpType = (typeof FOLLOW_UP_TYPES)[number];

@Entity('follow_ups')
export class FollowUpEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column({ type: 'uuid', name: 'tenant_id' }) tenantId!: string;
  @Column({ type: 'uuid', name: 'customer_id' }) customerId!: string;
  @Column({ type: 'uuid', name: 'contact_id', nullable: true }) contactId!: string | null;
  /** The author. */
  @Column({ type: 'uuid', name: 'owner_id' }) ownerId!: string;
  @Column('text') type!: FollowUpType;
  @Column('text') content!: string;
  @Column({ type: 'timestamptz' }) time!: Date;
  @Column({ type: 'timestamptz', name: 'next_follow_up_at', nullable: true }) nextFollowUpAt!: Date | null;
  @Column({ type: 'timestamptz', name: 'created_at' }) createdAt!: Date;
  @Column({ type: 'timestamptz', name: 'updated_at' }) updatedAt!: Date;
  @Column({ type: 'timestamptz', name: 'deleted_at', nullable: true }) deletedAt!: Date | null;
}
