import { DataSource } from 'typeorm';
import { CryptoKey, JSONWebKeySet, JWK, calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK } from 'jose';
import { SigningKeyEntity } from './signing-key.entity';

/**
 * The key pair access tokens are signed with. Made on first boot and kept in the identity
 * database, so tokens outlive restarts and every replica signs with the same key. The newest key
 * signs; all keys stay in the JWKS so tokens signed before a rotation still verify.
 */
export class SigningKeyStore {
  private constructor(
    readonly kid: string,
    private readonly privateKey: CryptoKey,
    private readonly publicKeys: JWK[],
  ) {}

  static async open(dataSource: DataSource): Promise<SigningKeyStore> {
    const rows = await dataSource.transaction(async (m) => {
      // Replicas booting together must not each make a key.
      await m.query("SELECT pg_advisory_xact_lock(hashtext('identity.signing_keys'))");
      const repo = m.getRepository(SigningKeyEntity);
      const existing = await repo.find({ order: { createdAt: 'DESC' } });
      if (existing.length) return existing;
      const { publicKey, privateKey } = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
      const publicJwk = await exportJWK(publicKey);
      const kid = await calculateJwkThumbprint(publicJwk);
      const row = repo.create({ kid, publicJwk: { ...publicJwk, kid, alg: 'RS256', use: 'sig' }, privateJwk: { ...(await exportJWK(privateKey)), kid, alg: 'RS256' } });
      await repo.insert(row);
      return [row];
    });
    const current = rows[0];
    const privateKey = (await importJWK(current.privateJwk, 'RS256')) as CryptoKey;
    return new SigningKeyStore(current.kid, privateKey, rows.map((r) => r.publicJwk));
  }

  get signingKey(): CryptoKey {
    return this.privateKey;
  }

  jwks(): JSONWebKeySet {
    return { keys: this.publicKeys.map((k) => ({ ...k })) };
  }
}
