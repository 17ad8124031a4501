/**
 * Bearer JWT verification for the validation API (`jose`), as Microsoft documents it for a web API
 * protected by Entra ID (ENTRA `identity-platform/access-tokens.md`, "Validate tokens"): the signature
 * against the tenant's JWKS (fetched from its `jwks_uri` and fetched again when a token names a key
 * it does not know, which is how signing key rollover reaches the API), then the issuer (one tenant's
 * `https://login.microsoftonline.com/<tid>/v2.0`), the audience (a v2.0 token carries the API's client
 * id), the tenant (`tid`), expiry and not-before, and the delegated scope the API requires (`scp`).
 * Every refusal carries `WWW-Authenticate` (RFC 6750 §3) and a message saying what was wrong: 401
 * `invalid_token`, or 403 `insufficient_scope` for a valid token without the scope. A JWKS that
 * cannot be fetched is a 503, since the caller's token may well be valid.
 */
import { type JSONWebKeySet, type JWTPayload, createLocalJWKSet, createRemoteJWKSet, errors, jwtVerify } from "jose";
import type { Agent as HttpsAgent } from "node:https";
import { HttpError } from "../errors";
import type { HostRequest } from "../exchange";

export interface BearerAuthConfig {
  readonly issuer: string;
  /** The API's client id (what v2.0 tokens carry); a list accepts the application ID URI too. */
  readonly audience: string | readonly string[];
  /** The tenant the API belongs to: a token's `tid` must name it. */
  readonly tenantId?: string;
  /** A delegated scope the token must carry in `scp` (space-separated), e.g. `Validate.Records`. */
  readonly requiredScope?: string;
  /**
   * Where the issuer publishes its keys (with the https agent to fetch them through, when the
   * issuer's certificate needs a CA of its own), or the keys themselves.
   */
  readonly jwks: { readonly url: string; readonly agent?: HttpsAgent } | { readonly keys: JSONWebKeySet };
  /** Accepted signing algorithms; default ES256 and RS256 (Entra ID signs with RS256). */
  readonly algorithms?: readonly string[];
  /** Clock skew tolerated on `exp`/`nbf`, in seconds; default 30. */
  readonly clockToleranceSeconds?: number;
  /** Least time between two fetches of the JWKS when a token names an unknown key; default 30 s. */
  readonly jwksCooldownSeconds?: number;
}

export interface VerifiedCaller {
  /** `sub` (or Entra ID's `oid`) of the token. */
  readonly subject: string;
  readonly claims: JWTPayload;
}

export type BearerVerifier = (request: HostRequest) => Promise<VerifiedCaller>;

function unauthenticated(code: string, message: string, error?: "invalid_token"): HttpError {
  const challenge =
    error === undefined
      ? 'Bearer realm="fsi"'
      : `Bearer realm="fsi", error="${error}", error_description="${message.replaceAll('"', "'")}"`;
  return new HttpError(401, code, message, undefined, { "www-authenticate": challenge });
}

/** RFC 6750 §3.1: a valid token without the scope the resource needs is a 403 naming the scope. */
function insufficientScope(scope: string, message: string): HttpError {
  const challenge = `Bearer realm="fsi", error="insufficient_scope", scope="${scope}", error_description="${message.replaceAll('"', "'")}"`;
  return new HttpError(403, "INSUFFICIENT_SCOPE", message, undefined, { "www-authenticate": challenge });
}

/** The token's tenant and scope, checked after jose has checked signature, issuer, audience and times. */
function checkTenantAndScope(payload: JWTPayload, config: BearerAuthConfig): void {
  if (config.tenantId !== undefined && payload.tid !== config.tenantId) {
    throw unauthenticated(
      "TOKEN_REJECTED",
      `The bearer token's "tid" claim is not accepted: it was issued for another tenant than ${config.tenantId}.`,
      "invalid_token",
    );
  }
  const scope = config.requiredScope;
  if (scope === undefined) return;
  const granted = typeof payload.scp === "string" ? payload.scp.split(" ").filter((name) => name !== "") : [];
  if (!granted.includes(scope)) {
    const why =
      granted.length === 0
        ? "carries no delegated scope (an app-only token, or none was granted)"
        : `grants ${granted.join(", ")} only`;
    throw insufficientScope(scope, `The bearer token ${why}; this API requires the scope ${scope}.`);
  }
}

/** Why jose refused a token, in words an API client can act on. */
function refusal(error: unknown): HttpError {
  if (error instanceof errors.JWTExpired)
    return unauthenticated("TOKEN_EXPIRED", "The bearer token has expired; get a new one.", "invalid_token");
  if (error instanceof errors.JWTClaimValidationFailed) {
    return unauthenticated(
      "TOKEN_REJECTED",
      `The bearer token's "${error.claim}" claim is not accepted: ${error.message}.`,
      "invalid_token",
    );
  }
  if (error instanceof errors.JWSSignatureVerificationFailed || error instanceof errors.JWKSNoMatchingKey) {
    return unauthenticated(
      "TOKEN_REJECTED",
      "The bearer token's signature does not verify against the issuer's keys.",
      "invalid_token",
    );
  }
  if (error instanceof errors.JOSEAlgNotAllowed) {
    return unauthenticated(
      "TOKEN_REJECTED",
      "The bearer token is signed with an algorithm this API does not accept.",
      "invalid_token",
    );
  }
  if (
    error instanceof errors.JWSInvalid ||
    error instanceof errors.JWTInvalid ||
    error instanceof errors.JOSENotSupported
  ) {
    return unauthenticated(
      "TOKEN_MALFORMED",
      `The bearer token is not a valid JWT: ${error.message}.`,
      "invalid_token",
    );
  }
  const reason = error instanceof Error ? error.message : String(error);
  return new HttpError(
    503,
    "AUTH_UNAVAILABLE",
    `The token issuer's keys could not be read, so the token cannot be checked: ${reason}`,
    undefined,
    {
      "retry-after": "5",
    },
  );
}

/**
 * How long an accepted token is taken on trust before its signature is checked again (never past
 * its `exp`). Checking an ES256/RS256 signature was most of the validation API's own time per
 * request, and a form sends the same token for its whole session. A signing key the issuer drops
 * stops a cached token within this minute; jose's remote key set is itself cached for longer.
 */
export const verifiedTokenTrustMs = 60_000;
/** Accepted tokens kept at most; the oldest goes first. Refused tokens are never kept. */
const verifiedTokenLimit = 1_000;

export function createBearerVerifier(config: BearerAuthConfig): BearerVerifier {
  const keys =
    "url" in config.jwks
      ? createRemoteJWKSet(new URL(config.jwks.url), {
          cooldownDuration: (config.jwksCooldownSeconds ?? 30) * 1000,
          ...(config.jwks.agent === undefined ? {} : { agent: config.jwks.agent }),
        })
      : createLocalJWKSet(config.jwks.keys);
  const audience = typeof config.audience === "string" ? config.audience : [...config.audience];
  const algorithms = [...(config.algorithms ?? ["ES256", "RS256"])];
  const verified = new Map<string, { readonly caller: VerifiedCaller; readonly until: number }>();
  return async (request) => {
    const authorization = request.header("authorization");
    if (authorization === undefined || authorization.trim() === "") {
      throw unauthenticated("MISSING_TOKEN", "A bearer token is required: send 'Authorization: Bearer <token>'.");
    }
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    const token = match?.[1];
    if (token === undefined) {
      throw unauthenticated("MISSING_TOKEN", "The Authorization header must be 'Bearer <token>'.", "invalid_token");
    }
    const known = verified.get(token);
    if (known !== undefined && Date.now() < known.until) return known.caller;
    verified.delete(token);
    try {
      const { payload } = await jwtVerify(token, keys, {
        issuer: config.issuer,
        audience,
        algorithms,
        clockTolerance: config.clockToleranceSeconds ?? 30,
        requiredClaims: ["exp"],
      });
      checkTenantAndScope(payload, config);
      const subject = typeof payload.oid === "string" ? payload.oid : payload.sub;
      if (subject === undefined || subject === "") {
        throw unauthenticated("TOKEN_REJECTED", "The bearer token names no subject (sub).", "invalid_token");
      }
      const caller = { subject, claims: payload };
      // `exp` is required above; the cache never outlives it (no clock tolerance here).
      const until = Math.min((payload.exp ?? 0) * 1000, Date.now() + verifiedTokenTrustMs);
      if (verified.size >= verifiedTokenLimit) verified.delete(verified.keys().next().value ?? "");
      verified.set(token, { caller, until });
      return caller;
    } catch (error) {
      if (error instanceof HttpError) throw error;
      throw refusal(error);
    }
  };
}
