/**
 * A minimal JWT signer for tests of emulators that only read a token's `sub` (the Dataverse
 * emulator runs a request as the system user a JWT names). An ES256 key pair is generated per
 * issuer and never written anywhere. Entra ID itself (the validation API's tokens, MSAL's flows,
 * the host's credentials) is emulated by `sandbox/auth/entra`.
 */
import { randomUUID } from "node:crypto";
import { type JSONWebKeySet, type JWTPayload, type KeyLike, SignJWT, exportJWK, generateKeyPair } from "jose";

export interface SignedInUser {
  /** The user's id (a systemuserid in the Dataverse emulator), the token's `sub`. */
  readonly id: string;
  readonly name?: string;
}

export interface LocalTokenIssuerOptions {
  /** The `iss` of every token; the validation API is configured with the same value. */
  readonly issuer: string;
  /** The `aud` of every token (the validation API's identifier). */
  readonly audience: string;
  /** Token lifetime; default 300 s, like a short-lived access token. */
  readonly lifetimeSeconds?: number;
}

export interface IssuedToken {
  readonly access_token: string;
  readonly token_type: "Bearer";
  readonly expires_in: number;
}

/** Per-token changes: another audience (a token for another API), another lifetime (negative: already expired). */
export interface TokenOverrides {
  readonly audience?: string;
  readonly lifetimeSeconds?: number;
}

export interface LocalTokenIssuer {
  readonly issuer: string;
  readonly audience: string;
  /** The public keys, as served at the JWKS URL. */
  readonly jwks: JSONWebKeySet;
  issueToken(user: SignedInUser, overrides?: TokenOverrides): Promise<IssuedToken>;
  /**
   * Signs exactly `claims` (nothing added: no `iss`, `aud`, `sub` or times unless given) with the
   * issuer's key and `kid`, so a verifier can be shown a genuinely signed token that lacks a claim
   * or carries a wrong one (the security tests). The sandbox's token route never uses it.
   */
  signClaims(claims: JWTPayload): Promise<string>;
}

export const DEFAULT_TOKEN_LIFETIME_SECONDS = 300;

export async function createLocalTokenIssuer(options: LocalTokenIssuerOptions): Promise<LocalTokenIssuer> {
  const { publicKey, privateKey } = await generateKeyPair("ES256");
  const kid = randomUUID();
  const jwk = { ...(await exportJWK(publicKey)), kid, alg: "ES256", use: "sig" };
  const lifetime = options.lifetimeSeconds ?? DEFAULT_TOKEN_LIFETIME_SECONDS;
  return {
    issuer: options.issuer,
    audience: options.audience,
    jwks: { keys: [jwk] },
    issueToken: (user, overrides = {}) =>
      sign(
        privateKey,
        kid,
        { ...options, audience: overrides.audience ?? options.audience },
        user,
        overrides.lifetimeSeconds ?? lifetime,
      ),
    signClaims: (claims) => new SignJWT(claims).setProtectedHeader({ alg: "ES256", kid, typ: "JWT" }).sign(privateKey),
  };
}

async function sign(
  key: KeyLike,
  kid: string,
  options: LocalTokenIssuerOptions,
  user: SignedInUser,
  lifetime: number,
): Promise<IssuedToken> {
  const now = Math.floor(Date.now() / 1000);
  const accessToken = await new SignJWT(user.name === undefined ? {} : { name: user.name })
    .setProtectedHeader({ alg: "ES256", kid, typ: "JWT" })
    .setIssuer(options.issuer)
    .setAudience(options.audience)
    .setSubject(user.id)
    .setIssuedAt(Math.min(now, now + lifetime))
    .setNotBefore(Math.min(now, now + lifetime))
    .setExpirationTime(now + lifetime)
    .setJti(randomUUID())
    .sign(key);
  return { access_token: accessToken, token_type: "Bearer", expires_in: Math.max(0, lifetime) };
}
