import { ApiExtension } from '@nestjs/swagger';
import { BusinessObject, DataAction } from '@crm/contracts';

/**
 * Who may call an operation, declared once beside the route and published in the OpenAPI document
 * as vendor extensions, so that frontends read it and the authorisation matrix test
 * (tests/authorisation-matrix.int-spec.ts) derives every operation's expected answers from it.
 * Every authenticated operation carries at least one of:
 * - `x-required-roles: [...]` — `@RequireRoles(...)`: a function permission, others get 403;
 * - `x-data-scope: {...}` — `@DataScoped(...)`: the caller's data scope over one kind of record decides;
 * - `x-access: 'authenticated'` — `@AnySignedInUser()`: any signed-in user of the organisation;
 * - `x-pool-access: '...'` — `@PoolAccess(...)`: membership of a public pool (marketing), or
 *   ownership of a customer in its ownership ledger, decides (see PoolAccessRule).
 * Public operations (`@Public()`) are those without a security requirement.
 * These decorators only document: enforcement stays with AuthGuard and the handlers.
 */
export const DATA_SCOPE_EXTENSION = 'x-data-scope';
export const ACCESS_EXTENSION = 'x-access';
export const REQUIRED_ROLES_EXTENSION = 'x-required-roles';
export const POOL_ACCESS_EXTENSION = 'x-pool-access';

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

/**
 * Who may act on a public pool (公海池, 线索池) or on a customer through marketing's ownership
 * ledger; organisation administrators always may. Another organisation's pool or customer answers 404.
 * - `pool-member`: the pool's members and administrators; for anyone else the pool does not exist (404);
 * - `pool-admin`: the pool's administrators; its members get 403, anyone else 404;
 * - `customer-owner`: the customer's owner in the ledger (and, for reads, while it sits in a pool,
 *   those who see that pool); anyone else in the organisation gets 403.
 */
export type PoolAccessRule = 'pool-member' | 'pool-admin' | 'customer-owner';

export const PoolAccess = (rule: PoolAccessRule) => ApiExtension(POOL_ACCESS_EXTENSION, rule);
