import { CanActivate, ExecutionContext, Inject, Injectable, SetMetadata, applyDecorators, createParamDecorator } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiExtension } from '@nestjs/swagger';
import { IS_PUBLIC } from '@crm/platform';
import { forbidden, unauthenticated } from '@crm/kernel';
import { Caller, TOKEN_VERIFIER, TokenVerifier } from './token-verifier';
import { REQUIRED_ROLES_EXTENSION } from './access-rules.decorator';

export const REQUIRED_ROLES = 'crm:required-roles';

/**
 * Function permission: only callers holding one of these roles may call the route (or every route
 * of the controller), e.g. `@RequireRoles('admin')` for managing dictionaries and rules. Others
 * get 403 `AUTH.FORBIDDEN`. Checked by AuthGuard, which every business service installs. The
 * OpenAPI document shows the list as `x-required-roles` on each operation it covers.
 */
export const RequireRoles = (...roleCodes: [string, ...string[]]) =>
  applyDecorators(SetMetadata(REQUIRED_ROLES, roleCodes), ApiExtension(REQUIRED_ROLES_EXTENSION, roleCodes));

/**
 * Every route needs a valid bearer token unless it is marked `@Public()`, and one of the roles
 * `@RequireRoles(...)` names, if any (the method's list overrides the controller's).
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(TOKEN_VERIFIER) private readonly verify: TokenVerifier,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()])) return true;
    const req = context.switchToHttp().getRequest<{ headers: Record<string, string | undefined>; user?: Caller }>();
    const header = req.headers.authorization ?? '';
    const match = /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(header);
    if (!match) throw unauthenticated('AUTH.TOKEN_MISSING', 'An access token is required (Authorization: Bearer <token>).');
    req.user = await this.verify(match[1]);
    const required = this.reflector.getAllAndOverride<string[] | undefined>(REQUIRED_ROLES, [context.getHandler(), context.getClass()]);
    if (required && !required.some((role) => req.user!.roleCodes.includes(role))) {
      throw forbidden('AUTH.FORBIDDEN', `This action requires the role ${required.map((r) => `'${r}'`).join(' or ')}.`);
    }
    return true;
  }
}

/** The verified caller of the current request. */
export const CurrentUser = createParamDecorator((_: unknown, ctx: ExecutionContext): Caller => ctx.switchToHttp().getRequest().user);
