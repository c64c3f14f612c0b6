import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Tenants, signing keys, roles, departments, users and refresh tokens. Foreign keys include
 * tenant_id, so a row can only ever point at rows of its own tenant.
 */
export class IdentitySchema1700000001000 implements MigrationInterface {
  name = 'IdentitySchema1700000001000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE tenants (
      id uuid PRIMARY KEY,
      code text NOT NULL UNIQUE,
      name text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now())`);
    await q.query(`CREATE TABLE signing_keys (
      kid text PRIMARY KEY,
      public_jwk jsonb NOT NULL,
      private_jwk jsonb NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now())`);
    await q.query(`CREATE TABLE roles (
      id uuid PRIMARY KEY,
      tenant_id uuid NOT NULL REFERENCES tenants (id),
      code text NOT NULL,
      name text NOT NULL,
      system boolean NOT NULL DEFAULT false,
      created_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (tenant_id, id),
      CONSTRAINT roles_code_unique UNIQUE (tenant_id, code))`);
    await q.query('CREATE INDEX roles_tenant_name ON roles (tenant_id, name)');
    await q.query(`CREATE TABLE departments (
      id uuid PRIMARY KEY,
      tenant_id uuid NOT NULL REFERENCES tenants (id),
      name text NOT NULL,
      parent_id uuid,
      manager_id uuid,
      path text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (tenant_id, id),
      FOREIGN KEY (tenant_id, parent_id) REFERENCES departments (tenant_id, id))`);
    await q.query('CREATE INDEX departments_tenant_parent ON departments (tenant_id, parent_id)');
    await q.query('CREATE INDEX departments_tenant_name ON departments (tenant_id, name)');
    await q.query('CREATE INDEX departments_tenant_created ON departments (tenant_id, created_at)');
    await q.query('CREATE INDEX departments_tenant_path ON departments (tenant_id, path text_pattern_ops)');
    await q.query(`CREATE TABLE users (
      id uuid PRIMARY KEY,
      tenant_id uuid NOT NULL REFERENCES tenants (id),
      username text NOT NULL,
      password_hash text NOT NULL,
      name text NOT NULL,
      phone text,
      email text,
      department_id uuid NOT NULL,
      superior_id uuid,
      status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (tenant_id, id),
      FOREIGN KEY (tenant_id, department_id) REFERENCES departments (tenant_id, id),
      FOREIGN KEY (tenant_id, superior_id) REFERENCES users (tenant_id, id))`);
    // Usernames are unique regardless of case: `Li.Na` and `li.na` would be the same person at login.
    await q.query('CREATE UNIQUE INDEX users_tenant_username ON users (tenant_id, lower(username))');
    await q.query('CREATE INDEX users_tenant_department ON users (tenant_id, department_id)');
    await q.query('CREATE INDEX users_tenant_superior ON users (tenant_id, superior_id)');
    await q.query('CREATE INDEX users_tenant_status ON users (tenant_id, status)');
    await q.query('CREATE INDEX users_tenant_name ON users (tenant_id, name)');
    await q.query('CREATE INDEX users_tenant_created ON users (tenant_id, created_at)');
    await q.query('ALTER TABLE departments ADD FOREIGN KEY (tenant_id, manager_id) REFERENCES users (tenant_id, id)');
    await q.query(`CREATE TABLE user_roles (
      tenant_id uuid NOT NULL,
      user_id uuid NOT NULL,
      role_id uuid NOT NULL,
      PRIMARY KEY (user_id, role_id),
      FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE,
      FOREIGN KEY (tenant_id, role_id) REFERENCES roles (tenant_id, id))`);
    await q.query('CREATE INDEX user_roles_tenant_role ON user_roles (tenant_id, role_id)');
    await q.query(`CREATE TABLE refresh_tokens (
      id uuid PRIMARY KEY,
      tenant_id uuid NOT NULL,
      user_id uuid NOT NULL,
      family_id uuid NOT NULL,
      token_hash text NOT NULL UNIQUE,
      expires_at timestamptz NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      rotated_at timestamptz,
      revoked_at timestamptz,
      FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE)`);
    await q.query('CREATE INDEX refresh_tokens_tenant_family ON refresh_tokens (tenant_id, family_id)');
    await q.query('CREATE INDEX refresh_tokens_tenant_user ON refresh_tokens (tenant_id, user_id)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE refresh_tokens');
    await q.query('DROP TABLE user_roles');
    await q.query('ALTER TABLE departments DROP CONSTRAINT departments_tenant_id_manager_id_fkey');
    await q.query('DROP TABLE users');
    await q.query('DROP TABLE departments');
    await q.query('DROP TABLE roles');
    await q.query('DROP TABLE signing_keys');
    await q.query('DROP TABLE tenants');
  }
}
