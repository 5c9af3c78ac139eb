import { exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';
import { newId } from '../platform/secrets.js';
import type { SigningKeyRepo } from '../store/signing-key.repo.js';

/** Where keys are kept: the database in production, memory in some tests. */
export type SigningKeyStore = Pick<SigningKeyRepo, 'all' | 'insert'>;

/** ES256: short signatures, fast verification, and every JOSE library supports it. */
export const tokenAlgorithm = 'ES256';

interface LoadedKey {
  readonly kid: string;
  readonly publicJwk: JWK;
  readonly publicKey: CryptoKey;
  readonly privateKey: CryptoKey;
}

/**
 * The keys that sign and verify access tokens. They live in the database so that every
 * node of a deployment accepts the tokens any node issued; a node that meets an unknown
 * `kid` reloads once (another node may have rotated) before refusing.
 */
export class KeyRing {
  private keys: LoadedKey[] = [];
  private lastReload = 0;

  private constructor(
    private readonly repo: SigningKeyStore,
    private readonly now: () => number,
  ) {}

  /** Loads the stored keys, creating the first one when there is none. */
  static async open(repo: SigningKeyStore, now: () => number = Date.now): Promise<KeyRing> {
    const ring = new KeyRing(repo, now);
    await ring.reload();
    if (ring.keys.length === 0) {
      await ring.rotate();
    }
    return ring;
  }

  /** Adds a new signing key; older keys keep verifying the tokens they signed. */
  async rotate(): Promise<string> {
    const { publicKey, privateKey } = await generateKeyPair(tokenAlgorithm, { extractable: true });
    const kid = newId();
    const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: tokenAlgorithm, use: 'sig' };
    await this.repo.insert({
      kid,
      alg: tokenAlgorithm,
      public_jwk: JSON.stringify(publicJwk),
      private_jwk: JSON.stringify(await exportJWK(privateKey)),
      created_at: new Date(this.now()).toISOString(),
    });
    await this.reload();
    return kid;
  }

  /** The key new tokens are signed with: the newest. */
  signingKey(): { kid: string; key: CryptoKey } {
    const newest = this.keys[0];
    if (!newest) {
      throw new Error('the key ring holds no key');
    }
    return { kid: newest.kid, key: newest.privateKey };
  }

  /** The public key for `kid`, reloading at most every few seconds to find a new one. */
  async verificationKey(kid: string | undefined): Promise<CryptoKey | undefined> {
    const find = () => this.keys.find((k) => k.kid === kid)?.publicKey;
    if (kid === undefined) {
      return undefined;
    }
    const found = find();
    if (found || this.now() - this.lastReload < 5_000) {
      return found;
    }
    await this.reload();
    return find();
  }

  /** The JSON Web Key Set clients verify our tokens with. */
  jwks(): { keys: JWK[] } {
    return { keys: this.keys.map((k) => k.publicJwk) };
  }

  private async reload(): Promise<void> {
    const rows = await this.repo.all();
    this.keys = await Promise.all(
      rows.map(async (row) => ({
        kid: row.kid,
        publicJwk: JSON.parse(row.public_jwk) as JWK,
        publicKey: (await importJWK(JSON.parse(row.public_jwk) as JWK, row.alg)) as CryptoKey,
        privateKey: (await importJWK(JSON.parse(row.private_jwk) as JWK, row.alg)) as CryptoKey,
      })),
    );
    this.lastReload = this.now();
  }
}
