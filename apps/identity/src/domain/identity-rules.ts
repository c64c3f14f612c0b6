import { DEFAULT_ROLE_CODES } from '@crm/contracts';

/** Naming and password rules shared by the API, the tenant CLI and the seed. */
export const CODE_PATTERN = /^[a-z0-9]+(-[a-z0-9]+)*$/;
export const USERNAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._@-]*$/;
export const PASSWORD_MIN_LENGTH = 8;

export const SYSTEM_ROLES = [
  { code: DEFAULT_ROLE_CODES.admin, name: 'Administrator' },
  { code: DEFAULT_ROLE_CODES.deptManager, name: 'Department manager' },
  { code: DEFAULT_ROLE_CODES.accountManager, name: 'Account manager' },
] as const;

export const ADMIN_ROLE = DEFAULT_ROLE_CODES.admin;
export const TENANT_ADMIN_USERNAME = 'admin';

export function isValidTenantCode(code: string): boolean {
  return code.length >= 2 && code.length <= 32 && CODE_PATTERN.test(code);
}

/** For now only administrators change the organisation; everyone signed in may read it. */
export const ORGANISATION_ADMIN_ONLY = 'Only administrators may change departments, users and roles.';
