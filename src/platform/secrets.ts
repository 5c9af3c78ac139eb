import { createHash, randomBytes, randomUUID, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

const scryptAsync = promisify(scrypt) as (
  password: string,
  salt: Buffer,
  keylen: number,
  options: { N: number; r: number; p: number; maxmem: number },
) => Promise<Buffer>;

// scrypt parameters from OWASP's password storage guidance (N=2^17 is the recommendation;
// 2^15 keeps a CLI call and a token request under ~100 ms on a 2-core machine).
const N = 2 ** 15;
const r = 8;
const p = 1;
const keyLength = 32;

/** A new random id (UUID v4). */
export function newId(): string {
  return randomUUID();
}

let lastMs = 0;
let sequence = 0;

/**
 * A time-ordered UUID (version 7, RFC 9562): 48 bits of Unix milliseconds, then a 12-bit
 * counter that keeps ids made in the same millisecond in creation order, then 62 random
 * bits. Records that are listed "in the order they happened" (the audit log) use it, so
 * ties on the timestamp still sort correctly.
 */
export function newSortableId(): string {
  let ms = Date.now();
  if (ms <= lastMs) {
    sequence += 1;
    if (sequence > 0xfff) {
      lastMs += 1;
      sequence = 0;
    }
    ms = lastMs;
  } else {
    lastMs = ms;
    sequence = 0;
  }
  const time = ms.toString(16).padStart(12, '0');
  // randomUUID draws from a cached entropy pool (randomBytes per id was the slow part of
  // bulk registration); its last 17 characters carry the RFC 9562 variant and 62 random bits.
  return `${time.slice(0, 8)}-${time.slice(8)}-7${sequence.toString(16).padStart(3, '0')}-${randomUUID().slice(19)}`;
}

/**
 * An invitation token: 32 random bytes as 64 hex characters. Hex, not base64url, so a
 * token never begins with `-` (a shell command would take it for an option) and a
 * double-click selects all of it.
 */
export function newInvitationToken(): string {
  return randomBytes(32).toString('hex');
}

/** An unguessable token: 32 random bytes, base64url (43 characters). */
export function newToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** A human-typeable one-time password: 20 characters from a 56-letter alphabet (~116 bits). */
export function newPassword(length = 20): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';
  const bytes = randomBytes(length);
  return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join('');
}

/**
 * SHA-256 of a high-entropy token (invitation links). A fast digest is enough because
 * the token itself has 256 random bits; it lets the store find the token by its digest
 * without ever keeping the token.
 */
export function tokenDigest(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Slow salted hash of a password or client secret, self-describing: `scrypt$N$r$p$salt$hash`. */
export async function hashSecret(secret: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scryptAsync(secret, salt, keyLength, { N, r, p, maxmem: 256 * N * r });
  return ['scrypt', N, r, p, salt.toString('base64url'), hash.toString('base64url')].join('$');
}

/** Checks a secret against a hash made by `hashSecret`, in constant time. */
export async function verifySecret(secret: string, stored: string): Promise<boolean> {
  const [scheme, n, rr, pp, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !n || !rr || !pp || !salt || !hash) {
    return false;
  }
  const expected = Buffer.from(hash, 'base64url');
  const cost = Number(n);
  const blockSize = Number(rr);
  const actual = await scryptAsync(secret, Buffer.from(salt, 'base64url'), expected.length, {
    N: cost,
    r: blockSize,
    p: Number(pp),
    maxmem: 256 * cost * blockSize,
  });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
