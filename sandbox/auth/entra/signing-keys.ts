/**
 * The emulated tenant's token signing keys. Entra ID signs tokens with RS256 and publishes its
 * current keys at the tenant's `jwks_uri`, rotating them: a verifier must look a token's `kid` up
 * and fetch the key set again when the `kid` is new (ENTRA `identity-platform/signing-key-rollover.md`).
 * `rotate()` does the same here: a new key signs from then on, the previous one stays published.
 */
import { randomUUID } from "node:crypto";
import { type JSONWebKeySet, type JWK, type JWTPayload, type KeyLike, SignJWT, exportJWK, generateKeyPair } from "jose";

interface SigningKey {
  readonly kid: string;
  readonly privateKey: KeyLike;
  readonly publicJwk: JWK;
}

export interface SigningKeys {
  /** The published keys (public halves), newest first. */
  jwks(): JSONWebKeySet;
  /** Signs `claims` exactly as given, with the current key (`alg` RS256, its `kid`, `typ` JWT). */
  sign(claims: JWTPayload): Promise<string>;
  /** A new current key; the previous one stays published so tokens it signed still verify. */
  rotate(): Promise<void>;
}

/** How many keys stay published after rotations. */
const PUBLISHED_KEYS = 2;

async function newKey(): Promise<SigningKey> {
  const { publicKey, privateKey } = await generateKeyPair("RS256", { extractable: false });
  const kid = randomUUID();
  return { kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, kty: "RSA", use: "sig", alg: "RS256" } };
}

export async function createSigningKeys(): Promise<SigningKeys> {
  let keys: SigningKey[] = [await newKey()];
  const current = (): SigningKey => {
    const key = keys[0];
    if (key === undefined) throw new Error("no signing key");
    return key;
  };
  return {
    jwks: () => ({ keys: keys.map((key) => key.publicJwk) }),
    sign: (claims) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: "RS256", kid: current().kid, typ: "JWT" })
        .sign(current().privateKey),
    rotate: async () => {
      keys = [await newKey(), ...keys].slice(0, PUBLISHED_KEYS);
    },
  };
}
