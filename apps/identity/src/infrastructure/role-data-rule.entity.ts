import { Column, Entity, PrimaryColumn } from 'typeorm';
import { BusinessObject, DataAction, DataScope } from '@crm/contracts';

/** One data-scope rule: how far a role reaches for one business object and action. */
@Entity('role_data_rules')
export class RoleDataRuleEntity {
  @Column({ type: 'uuid', name: 'tenant_id' }) tenantId!: string;
  @PrimaryColumn({ type: 'uuid', name: 'role_id' }) roleId!: string;
  @PrimaryColumn('text') object!: BusinessObject;
  @PrimaryColumn('text') action!: DataAction;
  @Column('text') scope!: DataScope;
  @Column({ type: 'timestamptz', name: 'updated_at', default: () => 'now()' }) updatedAt!: Date;
}
