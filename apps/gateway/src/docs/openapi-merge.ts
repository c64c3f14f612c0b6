import { PROBLEM_SCHEMA } from '@crm/platform';
import { ServiceName, ownerOf } from '../routing/route-table';

/** The parts of an OpenAPI 3.0 document the merge reads; everything else is carried through as is. */
export interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string; description?: string; [k: string]: unknown };
  paths: Record<string, Record<string, unknown>>;
  components?: Record<string, Record<string, unknown> | undefined>;
  tags?: { name: string; description?: string }[];
  [k: string]: unknown;
}

export interface SourceDocument {
  /** `gateway` for the gateway's own operations, else the owning service. */
  source: ServiceName | 'gateway';
  document: OpenApiDocument;
}

const HTTP_METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);
const BEARER = { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'An access token from POST /api/v1/auth/login.' };

const pascal = (s: string) => s.replace(/(^|[-_\s])([a-z])/g, (_, __, c: string) => c.toUpperCase());

/** JSON with sorted keys: two schemas are the same schema when this is equal. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/** A deep copy with every `$ref` passed through `rename`. */
function rewriteRefs<T>(value: T, rename: Map<string, string>): T {
  if (Array.isArray(value)) return value.map((v) => rewriteRefs(v, rename)) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = k === '$ref' && typeof v === 'string' ? (rename.get(v) ?? v) : rewriteRefs(v, rename);
    return out as T;
  }
  return value;
}

/**
 * One OpenAPI 3.0 document from the gateway's own and every reachable service's: paths a service
 * documents but the route table does not send to it are left out (they are not reachable here);
 * a component whose name another source already uses for a different definition is renamed with
 * the source's name as a prefix (`SalesCustomerDto`); tags are namespaced by service (`sales/customers`)
 * and grouped in `x-tagGroups`; operation ids stay unique. Unreachable services are listed in
 * `x-unavailable-services` and in the description.
 */
export function mergeOpenApi(sources: SourceDocument[], unavailable: ServiceName[]): OpenApiDocument {
  const components: Record<string, Record<string, unknown>> = {
    schemas: { Problem: PROBLEM_SCHEMA },
    securitySchemes: { bearer: BEARER },
  };
  const paths: OpenApiDocument['paths'] = {};
  const tags: { name: string; description?: string }[] = [];
  const tagGroups: { name: string; tags: string[] }[] = [];
  const operationIds = new Set<string>();
  const skipped: string[] = [];

  for (const { source, document } of sources) {
    const rename = new Map<string, string>();
    for (const [section, entries] of Object.entries(document.components ?? {})) {
      if (section === 'securitySchemes' || !entries) continue;
      const target = (components[section] ??= {});
      for (const [name, definition] of Object.entries(entries)) {
        if (!(name in target) || canonical(target[name]) === canonical(definition)) continue;
        let renamed = `${pascal(source)}${name}`;
        for (let i = 2; renamed in target; i++) renamed = `${pascal(source)}${name}${i}`;
        rename.set(`#/components/${section}/${name}`, `#/components/${section}/${renamed}`);
      }
    }
    const doc = rewriteRefs(document, rename);
    for (const [section, entries] of Object.entries(doc.components ?? {})) {
      if (!entries) continue;
      const target = (components[section] ??= {});
      for (const [name, definition] of Object.entries(entries)) {
        const ref = rename.get(`#/components/${section}/${name}`);
        const finalName = ref ? ref.slice(ref.lastIndexOf('/') + 1) : name;
        if (!(finalName in target)) target[finalName] = definition;
      }
    }

    const tagName = (t: string) => (source === 'gateway' ? t : `${source}/${t}`);
    const used = new Set<string>();
    for (const [path, item] of Object.entries(doc.paths ?? {})) {
      if ((source !== 'gateway' && ownerOf(path) !== source) || paths[path]) {
        skipped.push(`${source}: ${path}`);
        continue;
      }
      const merged: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(item)) {
        if (!HTTP_METHODS.has(key)) {
          merged[key] = value;
          continue;
        }
        const op = { ...(value as Record<string, unknown>) };
        const opTags = ((op.tags as string[] | undefined)?.length ? (op.tags as string[]) : [source]).map((t) => (t === source ? t : tagName(t)));
        op.tags = opTags;
        opTags.forEach((t) => used.add(t));
        if (typeof op.operationId === 'string') {
          let id = operationIds.has(op.operationId) ? `${source.replace(/-/g, '_')}_${op.operationId}` : op.operationId;
          for (let i = 2; operationIds.has(id); i++) id = `${source.replace(/-/g, '_')}_${op.operationId}_${i}`;
          op.operationId = id;
          operationIds.add(id);
        }
        merged[key] = op;
      }
      paths[path] = merged;
    }
    const described = new Map((doc.tags ?? []).map((t) => [tagName(t.name), t.description]));
    for (const name of [...used].sort()) {
      if (tags.some((t) => t.name === name)) continue;
      const description = described.get(name) ?? (name === source ? doc.info?.description : undefined);
      tags.push(description ? { name, description } : { name });
    }
    if (used.size) tagGroups.push({ name: source, tags: [...used].sort() });
  }

  const missing = unavailable.length
    ? `\n\n**Unavailable when this document was built:** ${unavailable.join(', ')} — their operations are missing; reload to retry.`
    : '';
  return {
    openapi: '3.0.3',
    info: {
      title: 'CRM API',
      version: '1.0.0',
      description:
        'Every CRM service behind one origin. Authenticate with `POST /api/v1/auth/login` and send the access token as `Authorization: Bearer <token>`. ' +
        'Errors are RFC 9457 `application/problem+json` with a stable `code`; the gateway itself may answer 401 (`AUTH.*`), 404 (`ROUTE.NOT_FOUND`), ' +
        '413 (`REQUEST.TOO_LARGE`), 429 (`AUTH.LOGIN_RATE_LIMITED`), 502/503/504 (`GATEWAY.*`).' +
        missing,
    },
    tags,
    paths,
    components,
    'x-tagGroups': tagGroups,
    'x-unavailable-services': unavailable,
    ...(skipped.length ? { 'x-unrouted-paths': skipped } : {}),
  };
}
