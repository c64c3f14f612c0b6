import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One coded value of one tenant's dictionary; records store `code`. */
@Entity('dictionary_items')
export class DictionaryItemEntity {
  @PrimaryColumn({ type: 'uuid', name: 'tenant_id' }) tenantId!: string;
  @PrimaryColumn('text') kind!: string;
  @PrimaryColumn('text') code!: string;
  @Column('text') label!: string;
  @Column({ type: 'text', name: 'label_en', nullable: true }) labelEn!: string | null;
  @Column('integer') sort!: number;
  @Column('boolean') enabled!: boolean;
  @Column({ type: 'timestamptz', name: 'created_at' }) createdAt!: Date;
  @Column({ type: 'timestamptz', name: 'updated_at' }) updatedAt!: Date;
}
