/**
 * The tokens the emulated tenant issues, with the claims Entra ID puts in them
 * (ENTRA `identity-platform/access-token-claims-reference.md`, `id-token-claims-reference.md`):
 * - a v2.0 access token for the API: `iss` `<authority>/<tid>/v2.0`, `aud` the API's client id
 *   (v2.0 tokens always carry the client id, never the application ID URI), `tid`, `oid`, `sub`,
 *   `azp` (the client), `azpacr`, `scp` (the granted delegated scopes, space-separated, without the
 *   URI), `name`, `preferred_username`, `ver` "2.0", `iat`/`nbf`/`exp`;
 * - an app-only access token (client credentials, managed identity): `aud` the resource, `oid` the
 *   service principal, `azpacr` 1 (secret) or 2 (certificate), no `scp` (`idtyp` is an optional claim,
 *   not emitted by default);
 * - an ID token for the client: `aud` the client id, the request's `nonce`.
 * `client_info` is what MSAL keys its cache with: base64url JSON `{ uid, utid }`.
 */
import { createHash, randomUUID } from "node:crypto";
import type { JWTPayload } from "jose";
import type { DirectoryUser } from "./directory";
import type { SigningKeys } from "./signing-keys";

/** Access tokens live 60–90 minutes in Entra ID (a random span); the emulator uses the low end. */
export const ACCESS_TOKEN_LIFETIME_SECONDS = 3600;

export interface TokenMinter {
  readonly issuer: string;
  readonly lifetimeSeconds: number;
  delegated(
    user: DirectoryUser,
    claims: { audience: string; clientId: string; scopes: readonly string[] },
  ): Promise<string>;
  /** `clientAuthentication`: how the client proved itself (`azpacr`: 1 a secret, 2 a certificate). */
  appOnly(claims: {
    audience: string;
    clientId: string;
    principalId: string;
    clientAuthentication: "1" | "2";
  }): Promise<string>;
  idToken(user: DirectoryUser, clientId: string, nonce: string | undefined): Promise<string>;
}

function times(lifetime: number): JWTPayload {
  const now = Math.floor(Date.now() / 1000);
  return { iat: now, nbf: now, exp: now + lifetime };
}

/** `sub` is pairwise: the same user has a different `sub` for each application; `oid` is the same everywhere. */
function pairwiseSubject(oid: string, application: string): string {
  return createHash("sha256").update(`${oid}|${application}`).digest("base64url").slice(0, 43);
}

export function clientInfo(user: DirectoryUser, tenantId: string): string {
  return Buffer.from(JSON.stringify({ uid: user.oid, utid: tenantId })).toString("base64url");
}

export function createTokenMinter(
  authority: string,
  tenantId: string,
  keys: SigningKeys,
  lifetimeSeconds = ACCESS_TOKEN_LIFETIME_SECONDS,
): TokenMinter {
  const issuer = `${authority}/${tenantId}/v2.0`;
  return {
    issuer,
    lifetimeSeconds,
    delegated: (user, { audience, clientId, scopes }) =>
      keys.sign({
        aud: audience,
        iss: issuer,
        ...times(lifetimeSeconds),
        azp: clientId,
        azpacr: "0",
        name: user.name,
        oid: user.oid,
        preferred_username: user.upn,
        scp: scopes.join(" "),
        sub: pairwiseSubject(user.oid, audience),
        tid: tenantId,
        uti: randomUUID(),
        ver: "2.0",
      }),
    appOnly: ({ audience, clientId, principalId, clientAuthentication }) =>
      keys.sign({
        aud: audience,
        iss: issuer,
        ...times(lifetimeSeconds),
        azp: clientId,
        azpacr: clientAuthentication,
        oid: principalId,
        sub: principalId,
        tid: tenantId,
        uti: randomUUID(),
        ver: "2.0",
      }),
    idToken: (user, clientId, nonce) =>
      keys.sign({
        aud: clientId,
        iss: issuer,
        ...times(lifetimeSeconds),
        name: user.name,
        oid: user.oid,
        preferred_username: user.upn,
        sub: pairwiseSubject(user.oid, clientId),
        tid: tenantId,
        ver: "2.0",
        ...(nonce === undefined ? {} : { nonce }),
      }),
  };
}
