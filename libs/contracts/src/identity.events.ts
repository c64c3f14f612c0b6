import { defineEvent, JsonSchema } from './cloud-event';
import { BUSINESS_OBJECTS, DATA_ACTIONS, DATA_SCOPES, DataRule, defaultDataRules } from './data-scope';

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

export interface RoleData {
  id: string;
  tenantId: string;
  code: string;
  name: string;
}

/** Every rule of the role (one per business object and action), so a consumer replaces its copy. */
export interface RoleDataRulesData {
  roleId: string;
  tenantId: string;
  roleCode: string;
  rules: DataRule[];
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
const roleSchema: JsonSchema = {
  type: 'object',
  required: ['id', 'tenantId', 'code', 'name'],
  properties: { id: uuid, tenantId: uuid, code: { type: 'string' }, name: { type: 'string' } },
  additionalProperties: false,
};
const roleDataRulesSchema: JsonSchema = {
  type: 'object',
  required: ['roleId', 'tenantId', 'roleCode', 'rules'],
  properties: {
    roleId: uuid,
    tenantId: uuid,
    roleCode: { type: 'string' },
    rules: {
      type: 'array',
      description: 'One rule per business object and action, all of them.',
      minItems: BUSINESS_OBJECTS.length * DATA_ACTIONS.length,
      items: {
        type: 'object',
        required: ['object', 'action', 'scope'],
        properties: { object: { enum: [...BUSINESS_OBJECTS] }, action: { enum: [...DATA_ACTIONS] }, scope: { enum: [...DATA_SCOPES] } },
        additionalProperties: false,
      },
    },
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
const R = '0190a6e2-7b3c-7d4e-8f00-000000000010';
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

export const RoleCreated = defineEvent<RoleData>({
  type: 'crm.identity.role.created',
  version: 1,
  topic: 'identity.role.v1',
  source: SOURCE,
  description: 'A role was created (the three default roles come with each new organisation); its data rules follow in a data-rules-changed event.',
  schema: roleSchema,
  example: { id: R, tenantId: T, code: 'account-manager', name: 'Account manager' },
});

export const RoleDataRulesChanged = defineEvent<RoleDataRulesData>({
  type: 'crm.identity.role.data-rules-changed',
  version: 1,
  topic: 'identity.role.v1',
  source: SOURCE,
  description:
    'A role\u2019s data-scope rules were set (at its creation) or changed. Carries every rule of the role, one per business object and action, so consumers replace their copy.',
  schema: roleDataRulesSchema,
  example: { roleId: R, tenantId: T, roleCode: 'account-manager', rules: defaultDataRules('account-manager') },
});

export const IDENTITY_EVENTS = [TenantCreated, DepartmentCreated, DepartmentUpdated, DepartmentDeleted, UserCreated, UserUpdated, RoleCreated, RoleDataRulesChanged];
