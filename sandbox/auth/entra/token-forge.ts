/**
 * What tests need from the emulated tenant besides its endpoints: a user's access token for the
 * validation API without driving a browser through the sign-in page (`issueToken`), exactly the
 * claims a test gives signed with the tenant's current key (`signClaims`, for the verifier's
 * refusal tests), and key rollover (`rotate`). The sandbox's own routes never use it.
 */
import type { JSONWebKeySet, JWTPayload } from "jose";
import { randomUUID } from "node:crypto";
import type { EntraEmulator } from "./server";

export interface TokenOverrides {
  /** Another audience (a token for another API). */
  readonly audience?: string;
  /** Another lifetime (negative: already expired); default an hour. */
  readonly lifetimeSeconds?: number;
  /** Delegated scopes granted (`scp`); default every scope of the API. */
  readonly scopes?: readonly string[];
  /** Another tenant's id in `tid` (and in `iss`). */
  readonly tenantId?: string;
}

export interface TokenForge {
  /** The `iss` the tenant's tokens carry. */
  readonly issuer: string;
  /** The validation API's client id: the `aud` of v2.0 tokens for it. */
  readonly audience: string;
  readonly tenantId: string;
  readonly requiredScope: string;
  /** The keys published now. */
  readonly jwks: JSONWebKeySet;
  issueToken(
    user: { readonly id: string; readonly name?: string; readonly upn?: string },
    overrides?: TokenOverrides,
  ): Promise<{ access_token: string; expires_in: number }>;
  signClaims(claims: JWTPayload): Promise<string>;
  rotate(): Promise<void>;
}

export function tokenForge(entra: EntraEmulator): TokenForge {
  const { directory } = entra;
  return {
    issuer: entra.issuer,
    audience: directory.api.clientId,
    tenantId: directory.tenantId,
    requiredScope: directory.api.scopes[0] ?? "",
    get jwks() {
      return entra.keys.jwks();
    },
    issueToken: async (user, overrides = {}) => {
      const now = Math.floor(Date.now() / 1000);
      const lifetime = overrides.lifetimeSeconds ?? 3600;
      const tenant = overrides.tenantId ?? directory.tenantId;
      const token = await entra.keys.sign({
        aud: overrides.audience ?? directory.api.clientId,
        iss: entra.issuer.replace(directory.tenantId, tenant),
        iat: Math.min(now, now + lifetime),
        nbf: Math.min(now, now + lifetime),
        exp: now + lifetime,
        azp: directory.clients[0]?.clientId ?? randomUUID(),
        azpacr: "0",
        name: user.name ?? user.id,
        oid: user.id,
        preferred_username: user.upn ?? `${user.id}@sandbox.local`,
        scp: (overrides.scopes ?? directory.api.scopes).join(" "),
        sub: user.id,
        tid: tenant,
        uti: randomUUID(),
        ver: "2.0",
      });
      return { access_token: token, expires_in: Math.max(0, lifetime) };
    },
    signClaims: (claims) => entra.keys.sign(claims),
    rotate: () => entra.keys.rotate(),
  };
}
