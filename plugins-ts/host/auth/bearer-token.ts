/**
 * Bearer JWT verification for the validation API (`jose`): signature against the issuer's JWKS
 * (fetched from its URL and cached, or given inline), then issuer, audience, expiry and not-before.
 * Every refusal is a 401 carrying `WWW-Authenticate: Bearer error="invalid_token"` (RFC 6750 §3)
 * and a message saying what was wrong; a JWKS that cannot be fetched is a 503, since the caller's
 * token may well be valid.
 */
import { type JSONWebKeySet, type JWTPayload, createLocalJWKSet, createRemoteJWKSet, errors, jwtVerify } from "jose";
import { HttpError } from "../http/errors";
import type { HostRequest } from "../http/exchange";

export interface BearerAuthConfig {
  readonly issuer: string;
  readonly audience: string;
  /** Where the issuer publishes its keys, or the keys themselves. */
  readonly jwks: { readonly url: string } | { readonly keys: JSONWebKeySet };
  /** Accepted signing algorithms; default ES256 and RS256 (Entra ID signs with RS256). */
  readonly algorithms?: readonly string[];
  /** Clock skew tolerated on `exp`/`nbf`, in seconds; default 30. */
  readonly clockToleranceSeconds?: number;
}

export interface VerifiedCaller {
  /** `sub` (or Entra ID's `oid`) of the token. */
  readonly subject: string;
  readonly claims: JWTPayload;
}

export type BearerVerifier = (request: HostRequest) => Promise<VerifiedCaller>;

function unauthenticated(code: string, message: string, error?: "invalid_token"): HttpError {
  const challenge = error === undefined ? 'Bearer realm="fsi"' : `Bearer realm="fsi", error="${error}", error_description="${message.replaceAll('"', "'")}"`;
  return new HttpError(401, code, message, undefined, { "www-authenticate": challenge });
}

/** Why jose refused a token, in words an API client can act on. */
function refusal(error: unknown): HttpError {
  if (error instanceof errors.JWTExpired) return unauthenticated("TOKEN_EXPIRED", "The bearer token has expired; get a new one.", "invalid_token");
  if (error instanceof errors.JWTClaimValidationFailed) {
    return unauthenticated("TOKEN_REJECTED", `The bearer token's "${error.claim}" claim is not accepted: ${error.message}.`, "invalid_token");
  }
  if (error instanceof errors.JWSSignatureVerificationFailed || error instanceof errors.JWKSNoMatchingKey) {
    return unauthenticated("TOKEN_REJECTED", "The bearer token's signature does not verify against the issuer's keys.", "invalid_token");
  }
  if (error instanceof errors.JOSEAlgNotAllowed) {
    return unauthenticated("TOKEN_REJECTED", "The bearer token is signed with an algorithm this API does not accept.", "invalid_token");
  }
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid || error instanceof errors.JOSENotSupported) {
    return unauthenticated("TOKEN_MALFORMED", `The bearer token is not a valid JWT: ${error.message}.`, "invalid_token");
  }
  const reason = error instanceof Error ? error.message : String(error);
  return new HttpError(503, "AUTH_UNAVAILABLE", `The token issuer's keys could not be read, so the token cannot be checked: ${reason}`, undefined, {
    "retry-after": "5",
  });
}

export function createBearerVerifier(config: BearerAuthConfig): BearerVerifier {
  const keys = "url" in config.jwks ? createRemoteJWKSet(new URL(config.jwks.url)) : createLocalJWKSet(config.jwks.keys);
  const algorithms = [...(config.algorithms ?? ["ES256", "RS256"])];
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
    try {
      const { payload } = await jwtVerify(token, keys, {
        issuer: config.issuer,
        audience: config.audience,
        algorithms,
        clockTolerance: config.clockToleranceSeconds ?? 30,
        requiredClaims: ["exp"],
      });
      const subject = typeof payload.oid === "string" ? payload.oid : payload.sub;
      if (subject === undefined || subject === "") {
        throw unauthenticated("TOKEN_REJECTED", "The bearer token names no subject (sub).", "invalid_token");
      }
      return { subject, claims: payload };
    } catch (error) {
      if (error instanceof HttpError) throw error;
      throw refusal(error);
    }
  };
}
