import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity('contacts')
export class ContactEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column({ type: 'uuid', name: 'tenant_id' }) tenantId!: string;
  @Column({ type: 'uuid', name: 'customer_id' }) customerId!: string;
  /** Always the customer's owner (null while the customer is in a public pool): contacts follow their customer. */
  @Column({ type: 'uuid', name: 'owner_id', nullable: true }) ownerId!: string | null;
  @Column('text') name!: string;
  @Column({ type: 'text', nullable: true }) title!: string | null;
  @Column({ type: 'text', array: true }) phones!: string[];
  @Column({ type: 'text', nullable: true }) email!: string | null;
  @Column({ type: 'text', name: 'decision_role', nullable: true }) decisionRole!: string | null;
  @Column({ type: 'uuid', name: 'created_by' }) createdBy!: string;
  @Column({ type: 'uuid', name: 'updated_by' }) updatedBy!: string;
  @Column({ type: 'timestamptz', name: 'created_at' }) createdAt!: Date;
  @Column({ type: 'timestamptz', name: 'updated_at' }) updatedAt!: Date;
  @Column({ type: 'timestamptz', name: 'deleted_at', nullable: true }) deletedAt!: Date | null;
}
