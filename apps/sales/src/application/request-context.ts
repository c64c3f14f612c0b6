import { Caller } from '@crm/access';
import { forbidden } from '@crm/kernel';

/** Who asked, and the trace the events of their change carry. */
export interface RequestContext {
  caller: Caller;
  traceparent?: string;
}

export const ADMIN_ROLE = 'admin';

export function requireAdmin(caller: Caller, message: string): void {
  if (!caller.roleCodes.includes(ADMIN_ROLE)) throw forbidden('AUTH.FORBIDDEN', message);
}
