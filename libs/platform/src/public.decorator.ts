import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'crm:public';
/** Marks a route that needs no access token (login, health, JWKS). */
export const Public = () => SetMetadata(IS_PUBLIC, true);
