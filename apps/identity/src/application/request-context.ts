import { Caller } from '@crm/access';
import { forbidden } from '@crm/kernel';
import { ADMIN_ROLE } from '../domain/identity-rules';

/** Who asked, and the trace the events of their change carry. */
export interface RequestContext {
  caller: Caller;
  traceparent?: string;
}

/** For now only administrators change the organisation; everyone signed in may read it. */
export function requireAdmin(caller: Caller, message = 'Only administrators may change departments, users and roles.'): void {
  if (!caller.roleCodes.includes(ADMIN_ROLE)) throw forbidden('AUTH.FORBIDDEN', message);
}
