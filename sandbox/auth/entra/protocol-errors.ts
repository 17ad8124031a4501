/**
 * Entra ID's OAuth 2.0 error replies: the token endpoint answers JSON with `error`,
 * `error_description` (starting with the AADSTS code), `error_codes`, `timestamp`, `trace_id` and
 * `correlation_id` (ENTRA `identity-platform/v2-oauth2-auth-code-flow.md`, "Error response"); the
 * authorize endpoint redirects `error` and `error_description` back to the redirect URI, or shows an
 * error page when the redirect URI itself cannot be trusted. Each AADSTS code used is listed here.
 */
import { randomUUID } from "node:crypto";

/** AADSTS codes (ENTRA `identity-platform/reference-error-codes.md`). */
export const aadsts = {
  tenantNotFound: 90002,
  invalidClient: 700016,
  redirectUriMismatch: 50011,
  invalidScope: 70011,
  codeInvalid: 70000,
  codeRedeemed: 54005,
  pkceRequired: 9002325,
  pkceMismatch: 501481,
  spaCrossOriginOnly: 9002327,
  invalidClientSecret: 7000215,
  invalidClientAssertion: 700027,
  unsupportedGrant: 70003,
  missingParameter: 900144,
  interactionRequired: 50058,
  refreshTokenExpired: 700082,
} as const;

export class OAuthError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly aadstsCode: number,
    description: string,
  ) {
    super(`AADSTS${aadstsCode}: ${description}`);
  }

  body(): Record<string, unknown> {
    return {
      error: this.error,
      error_description: this.message,
      error_codes: [this.aadstsCode],
      timestamp: new Date()
        .toISOString()
        .replace("T", " ")
        .replace(/\.\d+Z$/, "Z"),
      trace_id: randomUUID(),
      correlation_id: randomUUID(),
    };
  }
}

export const invalidRequest = (code: number, description: string) =>
  new OAuthError(400, "invalid_request", code, description);
export const invalidGrant = (code: number, description: string) =>
  new OAuthError(400, "invalid_grant", code, description);
export const invalidClient = (code: number, description: string) =>
  new OAuthError(401, "invalid_client", code, description);
