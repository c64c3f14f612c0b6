/**
 * Data permissions: which records a role may list, open and change, per business object. Every
 * service enforces the same rules, so the vocabulary and the defaults live here, once.
 */

/** How far a rule reaches, from the caller's own records to everything in the organisation. */
export const DATA_SCOPES = ['SELF', 'SELF_AND_SUBORDINATES', 'DEPARTMENT', 'DEPARTMENT_AND_SUBDEPARTMENTS', 'ALL'] as const;
export type DataScope = (typeof DATA_SCOPES)[number];

/** `query`: lists; `view`: reading one record; `edit`: changing or deleting one. */
export const DATA_ACTIONS = ['query', 'view', 'edit'] as const;
export type DataAction = (typeof DATA_ACTIONS)[number];

/** The business objects of the implementation manual's role data-rule table, in its order. */
export const BUSINESS_OBJECTS = [
  'work-report',
  'sales-outbound',
  'lead',
  'campaign',
  'sample-request',
  'follow-up',
  'bid-application',
  'contact',
  'customer',
  'opportunity',
  'visit-plan',
  'schedule',
  'quotation',
] as const;
export type BusinessObject = (typeof BUSINESS_OBJECTS)[number];

export interface DataRule {
  object: BusinessObject;
  action: DataAction;
  scope: DataScope;
}

/** The three roles every organisation starts with. */
export const DEFAULT_ROLE_CODES = { admin: 'admin', deptManager: 'dept-manager', accountManager: 'account-manager' } as const;

/** The account manager's exceptions to SELF, exactly as the manual's table states them. */
const ACCOUNT_MANAGER_EXCEPTIONS: Partial<Record<BusinessObject, Partial<Record<DataAction, DataScope>>>> = {
  contact: { query: 'SELF_AND_SUBORDINATES' },
  customer: { query: 'DEPARTMENT' },
  opportunity: { query: 'DEPARTMENT_AND_SUBDEPARTMENTS' },
  quotation: { query: 'DEPARTMENT_AND_SUBDEPARTMENTS', view: 'DEPARTMENT' },
};

const every = (scopeOf: (object: BusinessObject, action: DataAction) => DataScope): DataRule[] =>
  BUSINESS_OBJECTS.flatMap((object) => DATA_ACTIONS.map((action) => ({ object, action, scope: scopeOf(object, action) })));

/**
 * The rules a role starts with: administrators see and change everything, department managers
 * their department and its sub-departments, account managers their own records (with the manual's
 * wider lists of contacts, customers, opportunities and quotations); any other role only its own.
 * One rule per object and action, objects in manual order, actions query, view, edit.
 */
export function defaultDataRules(roleCode: string): DataRule[] {
  switch (roleCode) {
    case DEFAULT_ROLE_CODES.admin:
      return every(() => 'ALL');
    case DEFAULT_ROLE_CODES.deptManager:
      return every(() => 'DEPARTMENT_AND_SUBDEPARTMENTS');
    case DEFAULT_ROLE_CODES.accountManager:
      return every((object, action) => ACCOUNT_MANAGER_EXCEPTIONS[object]?.[action] ?? 'SELF');
    default:
      return every(() => 'SELF');
  }
}
