/**
 * The operations of the merged OpenAPI document with the access rule each declares
 * (`x-required-roles`, `x-data-scope`, `x-access`; public when it has no security requirement),
 * and request bodies built from the schemas' examples.
 */
import { BUSINESS_OBJECTS, BusinessObject, DATA_ACTIONS } from '@crm/contracts';
import type { DataScopeDoc } from '@crm/access';

/* eslint-disable @typescript-eslint/no-explicit-any */
export type Schema = Record<string, any>;
export type OpenApi = { paths: Record<string, Record<string, Schema>>; components: { schemas: Record<string, Schema> } };

export interface Operation {
  /** `PATCH /api/v1/customers/{id}` */
  key: string;
  method: string;
  path: string;
  spec: Schema;
  isPublic: boolean;
  requiredRoles?: string[];
  dataScope?: DataScopeDoc;
  access?: string;
  /** `x-pool-access`: membership of a public pool, or ownership in marketing's ledger, decides. */
  poolAccess?: 'pool-member' | 'pool-admin' | 'customer-owner';
  /** The JSON request body's schema, references resolved at the top level. */
  body?: Schema;
  /** A multipart/form-data body's schema (uploads): the matrix sends a form built from it (see multipartBody). */
  multipart?: Schema;
  /** Statuses the operation documents. */
  documented: Set<number>;
}

export const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

export function operationsOf(doc: OpenApi): Operation[] {
  const ops: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of METHODS) {
      const spec = item[method];
      if (!spec) continue;
      ops.push({
        key: `${method.toUpperCase()} ${path}`,
        method: method.toUpperCase(),
        path,
        spec,
        isPublic: !spec.security?.length,
        requiredRoles: spec['x-required-roles'],
        dataScope: spec['x-data-scope'],
        access: spec['x-access'],
        poolAccess: spec['x-pool-access'],
        body: resolve(doc, spec.requestBody?.content?.['application/json']?.schema),
        multipart: resolve(doc, spec.requestBody?.content?.['multipart/form-data']?.schema),
        documented: new Set(Object.keys(spec.responses ?? {}).map(Number)),
      });
    }
  }
  return ops;
}

export function resolve(doc: OpenApi, schema: Schema | undefined): Schema | undefined {
  if (!schema?.$ref) return schema;
  return doc.components.schemas[String(schema.$ref).split('/').pop()!];
}

/**
 * `?…` with the required query parameters (the value given, else the first enum value, else the
 * example), and the largest page on lists; or ''.
 */
export function requiredQuery(op: Operation, values: Record<string, string> = {}): string {
  const parameters: Schema[] = op.spec.parameters ?? [];
  const query = parameters
    .filter((p) => p.in === 'query' && p.required)
    .map((p) => `${p.name}=${encodeURIComponent(values[p.name] ?? p.schema?.enum?.[0] ?? p.example ?? p.schema?.example)}`);
  if (op.method === 'GET' && parameters.some((p) => p.in === 'query' && p.name === 'pageSize')) query.push('pageSize=200');
  return query.length ? `?${query.join('&')}` : '';
}

/** The objects a data-scoped list serves, each with the query that asks for it (`?object=contact&pageSize=200`). */
export function listVariants(op: Operation): { object: BusinessObject; query: string }[] {
  const ds = op.dataScope!;
  if (!Array.isArray(ds.object)) return [{ object: ds.object, query: requiredQuery(op) }];
  const param = ds.objectFrom!.slice('query.'.length);
  return ds.object.map((object) => ({ object, query: requiredQuery(op, { [param]: object }) }));
}

/** The one object a record operation's data scope is about. */
export function scopeObject(ds: DataScopeDoc): BusinessObject {
  if (Array.isArray(ds.object)) throw new Error('x-data-scope of a record operation names several objects');
  return ds.object;
}

/** What is wrong with an operation's declared access rule, if anything. */
export function accessRuleProblem(op: Operation): string | undefined {
  if (op.isPublic) return op.requiredRoles || op.dataScope ? 'public, yet declares roles or a data scope' : undefined;
  if (!op.requiredRoles && !op.dataScope && op.access !== 'authenticated' && !op.poolAccess) return 'declares none of x-required-roles, x-data-scope, x-access, x-pool-access';
  if (op.poolAccess && !['pool-member', 'pool-admin', 'customer-owner'].includes(op.poolAccess)) return `x-pool-access names an unknown rule '${op.poolAccess}'`;
  const ds = op.dataScope;
  if (ds) {
    const objects: string[] = Array.isArray(ds.object) ? ds.object : [ds.object];
    const unknown = objects.filter((o) => !(BUSINESS_OBJECTS as readonly string[]).includes(o));
    if (unknown.length || !objects.length) return `x-data-scope names unknown objects ${JSON.stringify(unknown)}`;
    if (Array.isArray(ds.object)) {
      if (ds.record) return 'x-data-scope of a record operation names several objects';
      const param = (op.spec.parameters ?? []).find((p: Schema) => p.in === 'query' && `query.${p.name}` === ds.objectFrom);
      const values: string[] = param?.schema?.enum ?? param?.enum ?? [];
      if (!param?.required || [...values].sort().join() !== [...objects].sort().join()) return `x-data-scope's objectFrom must be a required query parameter whose values are ${objects.join(', ')}`;
    }
    if (!(DATA_ACTIONS as readonly string[]).includes(ds.action)) return `x-data-scope names an unknown action '${ds.action}'`;
    if (ds.record === 'path' && !op.path.includes('{')) return "x-data-scope's record is 'path' but the path has no parameter";
    if (ds.record?.startsWith('body.') && !op.body?.properties?.[ds.record.slice(5)]) return `x-data-scope's record ${ds.record} is not a body property`;
    if (!ds.record && op.method !== 'GET') return 'x-data-scope without a record on a write (only lists have none)';
  }
  return undefined;
}

/**
 * A body from the schema: the required properties, plus the optional ones `value` answers for (or,
 * when that makes an empty body, the first property); each from `value(name, schema)` when it
 * answers, else from the property's example; nested objects are built the same way. Throws when a
 * required property has neither.
 */
export async function exampleBody(
  doc: OpenApi,
  schema: Schema,
  value: (name: string, property: Schema) => unknown | Promise<unknown>,
): Promise<Record<string, unknown>> {
  const properties: Record<string, Schema> = schema.properties ?? {};
  const required: string[] = schema.required ?? [];
  const body: Record<string, unknown> = {};
  for (const [name, property] of Object.entries(properties)) {
    let v = await value(name, property);
    if (v === undefined && !required.includes(name)) continue;
    if (v === undefined) v = property.example;
    if (v === undefined && (property.$ref || property.items?.$ref)) {
      const nested = await exampleBody(doc, resolve(doc, property.$ref ? property : property.items)!, value);
      v = property.$ref ? nested : [nested];
    }
    if (v === undefined) throw new Error(`no example for the body property '${name}'`);
    body[name] = v;
  }
  const [first] = Object.keys(properties);
  if (!Object.keys(body).length && first && properties[first].example !== undefined) body[first] = properties[first].example;
  return body;
}

/**
 * A multipart form from the schema: each property's example (or first enum value), and for a
 * binary property the file `files(name)` gives (a spreadsheet the upload accepts, say).
 */
export function multipartBody(schema: Schema, files: (name: string) => { content: string | Buffer; fileName: string }): FormData {
  const form = new FormData();
  for (const [name, property] of Object.entries<Schema>(schema.properties ?? {})) {
    if (property.format === 'binary') {
      const { content, fileName } = files(name);
      form.append(name, new Blob([content]), fileName);
    } else {
      const v = property.example ?? property.enum?.[0];
      if (v === undefined) throw new Error(`no example for the form field '${name}'`);
      form.append(name, String(v));
    }
  }
  return form;
}
