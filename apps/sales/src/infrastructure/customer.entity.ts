import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity('customers')
export class CustomerEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column({ type: 'uuid', name: 'tenant_id' }) tenantId!: string;
  @Column('text') code!: string;
  @Column('text') name!: string;
  @Column({ type: 'text', name: 'short_name', nullable: true }) shortName!: string | null;
  @Column({ type: 'text', nullable: true }) type!: string | null;
  @Column({ type: 'text', nullable: true }) source!: string | null;
  @Column({ type: 'text', nullable: true }) industry!: string | null;
  @Column({ type: 'text', nullable: true }) level!: string | null;
  @Column({ type: 'text', nullable: true }) region!: string | null;
  @Column({ type: 'text', nullable: true }) address!: string | null;
  @Column({ type: 'text', nullable: true }) phone!: string | null;
  @Column({ type: 'text', nullable: true }) email!: string | null;
  @Column({ type: 'text', nullable: true }) website!: string | null;
  @Column({ type: 'text', name: 'unified_social_credit_code', nullable: true }) unifiedSocialCreditCode!: string | null;
  /** Null while the customer sits in a public pool (marketing's ledger decides; see OwnerChangedConsumer). */
  @Column({ type: 'uuid', name: 'owner_id', nullable: true }) ownerId!: string | null;
  @Column({ type: 'uuid', name: 'pool_id', nullable: true }) poolId!: string | null;
  @Column({ type: 'text', array: true }) tags!: string[];
  @Column({ type: 'text', nullable: true }) remarks!: string | null;
  @Column({ type: 'uuid', name: 'created_by' }) createdBy!: string;
  @Column({ type: 'uuid', name: 'updated_by' }) updatedBy!: string;
  @Column({ type: 'timestamptz', name: 'created_at' }) createdAt!: Date;
  @Column({ type: 'timestamptz', name: 'updated_at' }) updatedAt!: Date;
  @Column({ type: 'timestamptz', name: 'deleted_at', nullable: true }) deletedAt!: Date | null;
}
