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

/** Routes that need no access token; every other forwarded request does. */
export const PUBLIC_ROUTES: { method: 'GET' | 'POST'; path: string }[] = [
  { method: 'POST', path: '/api/v1/auth/login' },
  { method: 'POST', path: '/api/v1/auth/refresh' },
  { method: 'POST', path: '/api/v1/auth/logout' },
  { method: 'GET', path: '/.well-known/jwks.json' },
];

/** The only rate-limited route: password guessing is the abuse worth stopping at the edge. */
export const LOGIN_ROUTE = { method: 'POST' as const, path: '/api/v1/auth/login' };

/** The service that owns a path (query string ignored), or undefined. */
export function ownerOf(path: string): ServiceName | undefined {
  const p = path.split('?')[0];
  for (const service of SERVICES) {
    if (ROUTE_TABLE[service].some((prefix) => p === prefix || p.startsWith(`${prefix}/`))) return service;
  }
  return undefined;
}
