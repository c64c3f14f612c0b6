import { Column, Entity, PrimaryColumn } from 'typeorm';

export const CONVERSION_STATUSES = ['pending', 'completed', 'failed'] as const;
export type ConversionStatus = (typeof CONVERSION_STATUSES)[number];

/** One request to convert a lead; its id is the idempotency key sales creates the records under. */
@Entity('lead_conversions')
export class LeadConversionEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column({ type: 'uuid', name: 'tenant_id' }) tenantId!: string;
  @Column({ type: 'uuid', name: 'lead_id' }) leadId!: string;
  @Column('text') status!: ConversionStatus;
  @Column({ type: 'uuid', name: 'requested_by' }) requestedBy!: string;
  @Column({ type: 'boolean', name: 'create_opportunity' }) createOpportunity!: boolean;
  @Column({ type: 'uuid', name: 'customer_id', nullable: true }) customerId!: string | null;
  @Column({ type: 'uuid', name: 'contact_id', nullable: true }) contactId!: string | null;
  @Column({ type: 'text', name: 'failure_code', nullable: true }) failureCode!: string | null;
  @Column({ type: 'text', name: 'failure_reason', nullable: true }) failureReason!: string | null;
  @Column({ type: 'text', array: true }) notes!: string[];
  @Column({ type: 'timestamptz', name: 'requested_at' }) requestedAt!: Date;
  @Column({ type: 'timestamptz', name: 'finished_at', nullable: true }) finishedAt!: Date | null;
}
