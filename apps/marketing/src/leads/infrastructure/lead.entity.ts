import { Column, Entity, PrimaryColumn } from 'typeorm';
import { LeadStatus } from '@crm/contracts';

@Entity('leads')
export class LeadEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column({ type: 'uuid', name: 'tenant_id' }) tenantId!: string;
  @Column('text') code!: string;
  @Column('text') company!: string;
  @Column('text') name!: string;
  @Column({ type: 'text', nullable: true }) phone!: string | null;
  @Column({ type: 'text', nullable: true }) email!: string | null;
  @Column({ type: 'text', nullable: true }) source!: string | null;
  @Column({ type: 'text', nullable: true }) region!: string | null;
  @Column({ type: 'text', nullable: true }) industry!: string | null;
  @Column({ type: 'text', array: true }) tags!: string[];
  @Column('text') status!: LeadStatus;
  /** Exactly one of owner and pool (a CHECK says so). */
  @Column({ type: 'uuid', name: 'owner_id', nullable: true }) ownerId!: string | null;
  @Column({ type: 'uuid', name: 'pool_id', nullable: true }) poolId!: string | null;
  @Column({ type: 'text', nullable: true }) remarks!: string | null;
  @Column({ type: 'uuid', name: 'customer_id', nullable: true }) customerId!: string | null;
  @Column({ type: 'uuid', name: 'contact_id', nullable: true }) contactId!: string | null;
  @Column({ type: 'timestamptz', name: 'converted_at', nullable: true }) convertedAt!: Date | null;
  @Column({ type: 'timestamptz', name: 'last_follow_up_at', nullable: true }) lastFollowUpAt!: Date | null;
  @Column({ type: 'uuid', name: 'created_by' }) createdBy!: string;
  @Column({ type: 'uuid', name: 'updated_by' }) updatedBy!: string;
  @Column({ type: 'timestamptz', name: 'created_at' }) createdAt!: Date;
  @Column({ type: 'timestamptz', name: 'updated_at' }) updatedAt!: Date;
  @Column({ type: 'timestamptz', name: 'deleted_at', nullable: true }) deletedAt!: Date | null;
}
