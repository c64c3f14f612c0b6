import { Column, Entity, PrimaryColumn } from 'typeorm';

export const LEAD_FOLLOW_UP_TYPES = ['call', 'visit', 'message', 'meeting'] as const;
export type LeadFollowUpType = (typeof LEAD_FOLLOW_UP_TYPES)[number];

@Entity('lead_follow_ups')
export class LeadFollowUpEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column({ type: 'uuid', name: 'tenant_id' }) tenantId!: string;
  @Column({ type: 'uuid', name: 'lead_id' }) leadId!: string;
  /** The author. */
  @Column({ type: 'uuid', name: 'owner_id' }) ownerId!: string;
  @Column('text') type!: LeadFollowUpType;
  @Column('text') content!: string;
  @Column({ type: 'timestamptz' }) time!: Date;
  @Column({ type: 'timestamptz', name: 'created_at' }) createdAt!: Date;
}
