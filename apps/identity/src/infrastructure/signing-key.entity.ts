import { Column, Entity, PrimaryColumn } from 'typeorm';
import { JWK } from 'jose';

/** The RSA key pair access tokens are signed with; kept in the database so tokens survive restarts. */
@Entity('signing_keys')
export class SigningKeyEntity {
  @PrimaryColumn('text') kid!: string;
  @Column({ type: 'jsonb', name: 'public_jwk' }) publicJwk!: JWK;
  @Column({ type: 'jsonb', name: 'private_jwk' }) privateJwk!: JWK;
  @Column({ type: 'timestamptz', name: 'created_at', default: () => 'now()' }) createdAt!: Date;
}
