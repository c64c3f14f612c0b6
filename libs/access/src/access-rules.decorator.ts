import { ApiExtension } from '@nestjs/swagger';
import { BusinessObject, DataAction } from '@crm/contracts';

/**
 * Who may call an operation, declared once beside the route and published in the OpenAPI document
 * as vendor extensions, so that frontends read it and the authorisation matrix test
 * (tests/authorisation-matrix.int-spec.ts) derives every operation's expected answers from it.
 * Every authenticated operation carries at least one of:
 * - `x-required-roles: [...]` — `@RequireRoles(...)`: a function permission, others get 403;
 * - `x-data-scope: {...}` — `@DataScoped(...)`: the caller's data scope over one kind of record decides;
 * - `x-access: 'authenticated'` — `@AnySignedInUser()`: any signed-in user of the organisation.
 * Public operations (`@Public()`) are those without a security requirement.
 * These decorators only document: enforcement stays with AuthGuard and the handlers.
 */
export const DATA_SCOPE_EXTENSION = 'x-data-scope';
export const ACCESS_EXTENSION = 'x-access';
export const REQUIRED_ROLES_EXTENSION = 'x-required-roles';

/**
 * What `x-data-scope` says. Without `record` the operation is a list whose rows are narrowed to
 * those the caller's `action` scope reaches (`query` for ordinary lists). With `record`, it acts on
 * one record: the path's `{id}`, or the record a body field names (adding a contact to the
 * customer `body.customerId`); a record outside the caller's `view` scope answers 404, one they may
 * view but not `edit` (when the action is `edit`) answers 403.
 */
export interface DataScopeDoc {
  /** The kind of record; a list serving several kinds names them all, and `objectFrom` which parameter picks one. */
  object: BusinessObject | BusinessObject[];
  action: DataAction;
  record?: 'path' | `body.${string}`;
  /** With several objects: the query parameter whose value is the object, e.g. `query.object`. */
  objectFrom?: `query.${string}`;
  /** The operation lists or acts on records in the recycle bin. */
  deleted?: true;
}

/**
 * The caller's data scope over `object` decides, e.g. `@DataScoped('customer', 'edit', { record: 'path' })`,
 * or for a list of several kinds `@DataScoped(['customer', 'contact'], 'edit', { objectFrom: 'query.object' })`.
 */
export const DataScoped = (object: DataScopeDoc['object'], action: DataAction, o: Omit<DataScopeDoc, 'object' | 'action'> = {}) =>
  ApiExtension(DATA_SCOPE_EXTENSION, { object, action, ...o } satisfies DataScopeDoc);

/** Any signed-in user of the organisation may call it (their own profile, creating a customer, reference lists). */
export const AnySignedInUser = () => ApiExtension(ACCESS_EXTENSION, 'authenticated');
