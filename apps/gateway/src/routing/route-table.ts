/**
 * Which service owns which public path: the one place to extend when a service gains a resource.
 * A prefix matches itself and everything below it (`/api/v1/users` → `/api/v1/users/42/roles`);
 * paths are forwarded unchanged.
 */
export const SERVICES = ['identity', 'marketing', 'sales', 'after-sales'] as const;
export type ServiceName = (typeof SERVICES)[number];

export const ROUTE_TABLE: Record<ServiceName, string[]> = {
  identity: [
    '/.well-known/jwks.json',
    '/api/v1/auth',
    '/api/v1/me',
    '/api/v1/users',
    '/api/v1/departments',
    '/api/v1/roles',
    '/api/v1/audit-logs',
    '/api/v1/login-logs',
    '/api/v1/notifications',
    '/api/v1/handovers',
  ],
  marketing: [
    '/api/v1/leads',
    '/api/v1/lead-pools',
    '/api/v1/customer-pools',
    '/api/v1/campaigns',
    '/api/v1/duplicate-rules',
    '/api/v1/duplicates',
    '/api/v1/imports',
  ],
  sales: ['/api/v1/customers', '/api/v1/contacts', '/api/v1/follow-ups', '/api/v1/opportunities', '/api/v1/dictionaries', '/api/v1/recycle-bin'],
  'after-sales': ['/api/v1/service-requests', '/api/v1/faults', '/api/v1/product-files', '/api/v1/maintenance-plans'],
};

/**
 * Sub-resources one service serves below another's prefix, e.g. marketing's
 * `/api/v1/customers/{id}/return` under sales' `/api/v1/customers`. A `{name}` segment matches any
 * one segment; a pattern matches itself and everything below it, and wins over every prefix.
 */
export const SUB_RESOURCES: { service: ServiceName; pattern: string }[] = [
  { service: 'marketing', pattern: '/api/v1/customers/{id}/return' },
  { service: 'marketing', pattern: '/api/v1/customers/{id}/ownership-history' },
  { service: 'marketing', pattern: '/api/v1/customers/{id}/pool-status' },
];

const PARAM = /^\{[^/{}]+\}$/;

/** Whether `path` is `pattern` or below it, `{…}` segments matching any one segment. */
export function matchesPattern(pattern: string, path: string): boolean {
  const want = pattern.split('/');
  const got = path.split('/');
  if (got.length < want.length) return false;
  return want.every((segment, i) => (PARAM.test(segment) ? got[i] !== '' : segment === got[i]));
}

/** Routes that need no access token; every other forwarded request does. */
export const PUBLIC_ROUTES: { method: 'GET' | 'POST'; path: string }[] = [
  { method: 'POST', path: '/api/v1/auth/login' },
  { method: 'POST', path: '/api/v1/auth/refresh' },
  { method: 'POST', path: '/api/v1/auth/logout' },
  { method: 'GET', path: '/.well-known/jwks.json' },
];

/** Routes that take file uploads: their bodies may reach the gateway's upload limit instead of its body limit. */
export const UPLOAD_ROUTES: { method: 'POST'; path: string }[] = [{ method: 'POST', path: '/api/v1/imports' }];

export const isUploadRoute = (method: string, url: string): boolean => UPLOAD_ROUTES.some((r) => r.method === method && r.path === url.split('?')[0]);

/** The only rate-limited route: password guessing is the abuse worth stopping at the edge. */
export const LOGIN_ROUTE = { method: 'POST' as const, path: '/api/v1/auth/login' };

/** The service that owns a path (query string ignored), or undefined. */
export function ownerOf(path: string): ServiceName | undefined {
  const p = path.split('?')[0];
  const sub = SUB_RESOURCES.find((r) => matchesPattern(r.pattern, p));
  if (sub) return sub.service;
  for (const service of SERVICES) {
    if (ROUTE_TABLE[service].some((prefix) => p === prefix || p.startsWith(`${prefix}/`))) return service;
  }
  return undefined;
}
