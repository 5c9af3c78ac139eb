import { errors as joseErrors, jwtVerify, SignJWT, type JWTPayload } from 'jose';
import { newId } from '../platform/secrets.js';
import type { AppRole } from './app-roles.js';
import { tokenAlgorithm, type KeyRing } from './key-ring.js';

/** What our access tokens say, in Entra ID's claim names where one exists. */
export interface AccessClaims {
  /** The tenant the token acts on (an organisation id). */
  readonly tid: string;
  /** The client (application) id; also `sub` and `azp`. */
  readonly appid: string;
  /** The organisation the client belongs to (our claim: Entra has no equivalent). */
  readonly client_org: string;
  readonly roles: readonly AppRole[];
  readonly aud: string;
}

/** Why a token was refused, for the `WWW-Authenticate` header and the message. */
export class TokenRejected extends Error {
  constructor(readonly reason: 'expired' | 'invalid') {
    super(
      reason === 'expired' ? 'The access token has expired.' : 'The access token is not valid.',
    );
  }
}

/** Issuer of tokens for `tid`, shaped like Entra ID's v2 issuer. */
export function issuerFor(publicUrl: string, tid: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/${tid}/v2.0`;
}

/** Signs an access token valid for `lifetimeSeconds`. */
export async function signAccessToken(
  ring: KeyRing,
  publicUrl: string,
  claims: AccessClaims,
  options: { now: Date; lifetimeSeconds: number },
): Promise<string> {
  const { kid, key } = ring.signingKey();
  const issuedAt = Math.floor(options.now.getTime() / 1000);
  return new SignJWT({
    tid: claims.tid,
    appid: claims.appid,
    azp: claims.appid,
    client_org: claims.client_org,
    roles: [...claims.roles],
    ver: '2.0',
  })
    .setProtectedHeader({ alg: tokenAlgorithm, kid, typ: 'JWT' })
    .setIssuer(issuerFor(publicUrl, claims.tid))
    .setSubject(claims.appid)
    .setAudience(claims.aud)
    .setIssuedAt(issuedAt)
    .setNotBefore(issuedAt)
    .setExpirationTime(issuedAt + options.lifetimeSeconds)
    .setJti(newId())
    .sign(key);
}

/**
 * Verifies a token's signature (against our keys only), lifetime and issuer, and returns
 * its claims. Anything else is a `TokenRejected`.
 */
export async function verifyAccessToken(
  ring: KeyRing,
  publicUrl: string,
  token: string,
  now: Date,
): Promise<AccessClaims> {
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(
      token,
      async (header) => {
        const key = await ring.verificationKey(header.kid);
        if (!key) {
          throw new TokenRejected('invalid');
        }
        return key;
      },
      { algorithms: [tokenAlgorithm], currentDate: now, clockTolerance: 30 },
    ));
  } catch (error) {
    throw error instanceof joseErrors.JWTExpired
      ? new TokenRejected('expired')
      : new TokenRejected('invalid');
  }
  const { tid, appid, client_org: clientOrg, roles, aud, iss } = payload as Record<string, unknown>;
  if (
    typeof tid !== 'string' ||
    typeof appid !== 'string' ||
    typeof clientOrg !== 'string' ||
    typeof aud !== 'string' ||
    !Array.isArray(roles) ||
    iss !== issuerFor(publicUrl, tid)
  ) {
    throw new TokenRejected('invalid');
  }
  return { tid, appid, client_org: clientOrg, roles: roles as AppRole[], aud };
}
