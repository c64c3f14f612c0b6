import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { CloudEvent, DepartmentCreated, DepartmentData, EventDefinition, UserCreated, UserData, dataschemaOf } from '@crm/contracts';
import { typeormOptions } from '@crm/persistence';
import { createTestDatabase, testInfraFromEnv } from '@crm/testing';
import { BusinessObject, DataRule, RoleDataRulesChanged } from '@crm/contracts';
import { ACCESS_MIGRATIONS, Caller, applyDataScope, orgProjectionHandlers } from '../src';

/**
 * A business service's database in miniature: the access tables (by their migrations), a
 * `records` table standing for customers, and identity's events applied through the real
 * org-projection handlers, as the consumer applies them.
 */
export class DataScopeFixture {
  private constructor(readonly ds: DataSource) {}

  static async start(label: string): Promise<DataScopeFixture> {
    const url = await createTestDatabase(testInfraFromEnv().postgresUrl, label);
    const ds = new DataSource(typeormOptions({ url, entities: [], migrations: ACCESS_MIGRATIONS, poolSize: 4 }));
    await ds.initialize();
    await ds.query(`CREATE TABLE records (
      id uuid PRIMARY KEY, tenant_id uuid NOT NULL, owner_id uuid, updated_at timestamptz NOT NULL DEFAULT now())`);
    await ds.query('CREATE INDEX records_owner ON records (tenant_id, owner_id, updated_at)');
    return new DataScopeFixture(ds);
  }

  close(): Promise<void> {
    return this.ds.destroy();
  }

  /** Applies one of identity's events through the consumer's handler, in a transaction. */
  async apply<T>(def: EventDefinition<T>, tenantId: string, subject: string, data: T, time = new Date()): Promise<CloudEvent<T>> {
    const event: CloudEvent<T> = {
      specversion: '1.0',
      id: randomUUID(),
      source: def.source,
      type: def.type,
      subject,
      time: time.toISOString(),
      datacontenttype: 'application/json',
      dataschema: dataschemaOf(def),
      tenantid: tenantId,
      data,
    };
    await this.ds.transaction((m) => orgProjectionHandlers[def.type](event, m));
    return event;
  }

  department(tenantId: string, name: string, parent?: DepartmentData): Promise<DepartmentData> {
    const id = randomUUID();
    const d: DepartmentData = { id, tenantId, name, parentId: parent?.id ?? null, managerId: null, path: `${parent?.path ?? '/'}${id}/` };
    return this.apply(DepartmentCreated, tenantId, id, d).then(() => d);
  }

  user(tenantId: string, username: string, department: DepartmentData, superior?: UserData, roleCodes: string[] = ['account-manager']): Promise<UserData> {
    const id = randomUUID();
    const u: UserData = {
      id,
      tenantId,
      username,
      name: username,
      phone: null,
      email: null,
      departmentId: department.id,
      superiorId: superior?.id ?? null,
      status: 'active',
      roleCodes,
    };
    return this.apply(UserCreated, tenantId, id, u).then(() => u);
  }

  rules(tenantId: string, roleCode: string, rules: DataRule[], roleId = roleIdOf(tenantId, roleCode), time = new Date()): Promise<CloudEvent<unknown>> {
    return this.apply(RoleDataRulesChanged, tenantId, roleId, { roleId, tenantId, roleCode, rules, }, time);
  }

  async record(tenantId: string, ownerId: string | null, id = randomUUID()): Promise<string> {
    await this.ds.query('INSERT INTO records (id, tenant_id, owner_id) VALUES ($1, $2, $3)', [id, tenantId, ownerId]);
    return id;
  }

  /** The ids of the records the caller's scope lets through, through `applyDataScope`. */
  async visible(caller: Caller, object: BusinessObject, action: 'query' | 'view' | 'edit'): Promise<string[]> {
    const qb = this.ds.createQueryBuilder().select('c.id', 'id').from('records', 'c').orderBy('c.id');
    await applyDataScope(qb, caller, { object, action, alias: 'c' });
    return (await qb.getRawMany<{ id: string }>()).map((r) => r.id);
  }
}

const roleIds = new Map<string, string>();
/** One stable role id per tenant and code, as identity would have. */
export function roleIdOf(tenantId: string, code: string): string {
  const key = `${tenantId}/${code}`;
  if (!roleIds.has(key)) roleIds.set(key, randomUUID());
  return roleIds.get(key)!;
}

export function callerOf(u: UserData, roleCodes = u.roleCodes): Caller {
  return { userId: u.id, tenantId: u.tenantId, tenantCode: 't', username: u.username, name: u.name, departmentId: u.departmentId, roleCodes };
}
