import { DepartmentEntity } from './department.entity';
import { LoginLogEntity } from './login-log.entity';
import { RefreshTokenEntity } from './refresh-token.entity';
import { RoleDataRuleEntity } from './role-data-rule.entity';
import { RoleEntity } from './role.entity';
import { SigningKeyEntity } from './signing-key.entity';
import { TenantEntity } from './tenant.entity';
import { UserEntity, UserRoleEntity } from './user.entity';

/** Every TypeORM entity of the identity database (the service and the tenant CLI share it). */
export const IDENTITY_ENTITIES = [TenantEntity, SigningKeyEntity, RoleEntity, DepartmentEntity, UserEntity, UserRoleEntity, RefreshTokenEntity, RoleDataRuleEntity, LoginLogEntity];
