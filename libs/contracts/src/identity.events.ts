import { defineEvent, JsonSchema } from './cloud-event';

const SOURCE = '/crm/identity';
const uuid = { type: 'string', format: 'uuid' };
const nullableUuid = { type: ['string', 'null'], format: 'uuid' };

export interface TenantData {
  id: string;
  code: string;
  name: string;
}

export interface DepartmentData {
  id: string;
  tenantId: string;
  name: string;
  parentId: string | null;
  managerId: string | null;
  /** Materialised path of ids from the root, e.g. `/<root>/<child>/`: subtree = prefix match. */
  path: string;
}

export interface UserData {
  id: string;
  tenantId: string;
  username: string;
  name: string;
  phone: string | null;
  email: string | null;
  departmentId: string;
  superiorId: string | null;
  status: 'active' | 'disabled';
  roleCodes: string[];
}

export interface DeletedData {
  id: string;
  tenantId: string;
}

const tenantSchema: JsonSchema = {
  type: 'object',
  required: ['id', 'code', 'name'],
  properties: { id: uuid, code: { type: 'string' }, name: { type: 'string' } },
  additionalProperties: false,
};
const departmentSchema: JsonSchema = {
  type: 'object',
  required: ['id', 'tenantId', 'name', 'parentId', 'managerId', 'path'],
  properties: { id: uuid, tenantId: uuid, name: { type: 'string' }, parentId: nullableUuid, managerId: nullableUuid, path: { type: 'string' } },
  additionalProperties: false,
};
const userSchema: JsonSchema = {
  type: 'object',
  required: ['id', 'tenantId', 'username', 'name', 'phone', 'email', 'departmentId', 'superiorId', 'status', 'roleCodes'],
  properties: {
    id: uuid,
    tenantId: uuid,
    username: { type: 'string' },
    name: { type: 'string' },
    phone: { type: ['string', 'null'] },
    email: { type: ['string', 'null'] },
    departmentId: uuid,
    superiorId: nullableUuid,
    status: { enum: ['active', 'disabled'] },
    roleCodes: { type: 'array', items: { type: 'string' } },
  },
  additionalProperties: false,
};
const deletedSchema: JsonSchema = {
  type: 'object',
  required: ['id', 'tenantId'],
  properties: { id: uuid, tenantId: uuid },
  additionalProperties: false,
};

const T = '0190a6e2-7b3c-7d4e-8f00-000000000001';
const D = '0190a6e2-7b3c-7d4e-8f00-000000000002';
const U = '0190a6e2-7b3c-7d4e-8f00-000000000003';
const department: DepartmentData = { id: D, tenantId: T, name: 'East China Sales', parentId: null, managerId: null, path: `/${D}/` };
const user: UserData = {
  id: U,
  tenantId: T,
  username: 'li.na',
  name: 'Li Na',
  phone: '+86 138 0000 0000',
  email: 'li.na@example.com',
  departmentId: D,
  superiorId: null,
  status: 'active',
  roleCodes: ['account-manager'],
};

export const TenantCreated = defineEvent<TenantData>({
  type: 'crm.identity.tenant.created',
  version: 1,
  topic: 'identity.tenant.v1',
  source: SOURCE,
  description: 'A business organisation (tenant) was created by an operator.',
  schema: tenantSchema,
  example: { id: T, code: 'demo', name: 'Demo Trading Co.' },
});

export const DepartmentCreated = defineEvent<DepartmentData>({
  type: 'crm.identity.department.created',
  version: 1,
  topic: 'identity.department.v1',
  source: SOURCE,
  description: 'A department was added to the organisation tree.',
  schema: departmentSchema,
  example: department,
});

export const DepartmentUpdated = defineEvent<DepartmentData>({
  type: 'crm.identity.department.updated',
  version: 1,
  topic: 'identity.department.v1',
  source: SOURCE,
  description: 'A department was renamed, moved or given another manager; `path` is its new place in the tree.',
  schema: departmentSchema,
  example: department,
});

export const DepartmentDeleted = defineEvent<DeletedData>({
  type: 'crm.identity.department.deleted',
  version: 1,
  topic: 'identity.department.v1',
  source: SOURCE,
  description: 'An empty department was removed.',
  schema: deletedSchema,
  example: { id: D, tenantId: T },
});

export const UserCreated = defineEvent<UserData>({
  type: 'crm.identity.user.created',
  version: 1,
  topic: 'identity.user.v1',
  source: SOURCE,
  description: 'A user was created.',
  schema: userSchema,
  example: user,
});

export const UserUpdated = defineEvent<UserData>({
  type: 'crm.identity.user.updated',
  version: 1,
  topic: 'identity.user.v1',
  source: SOURCE,
  description: 'A user changed: profile, department, superior, roles or status (disabled users keep their data).',
  schema: userSchema,
  example: user,
});

export const IDENTITY_EVENTS = [TenantCreated, DepartmentCreated, DepartmentUpdated, DepartmentDeleted, UserCreated, UserUpdated];
