/**
 * Calls the validation API (docs/design.md §5) and sorts every way it can end into an outcome the save
 * handler acts on. The reply is checked with a small structural guard rather than the contract's
 * zod schema: bundling zod would multiply the size of forms.js, and the types still come from core.
 */
import { isValidationIssueCode } from "../../core/validation/codes";
import type { ValidationIssue, ValidationRequest, ValidationResponse } from "../../core/validation/contract";
import type { SignInConfiguration } from "./sign-in-contract";
import { silentToken, TokenError } from "./token";

/**
 * Why the record could not be checked; each has its own message, all follow the SCM-unavailable
 * policy, except `signInRequired`: the user is asked to sign in (or, where the app cannot show a
 * sign-in window, told that the server checks the record). `cannotRead` is for what the check needs
 * from Dataverse first (settings, company code).
 */
export type UncheckedReason =
  | "signInRequired"
  | "notConfigured"
  | "timeout"
  | "unreachable"
  | "scmUnavailable"
  | "refused"
  | "badReply"
  | "cannotRead";

export type ValidationOutcome =
  | { readonly kind: "checked"; readonly response: ValidationResponse }
  | { readonly kind: "unchecked"; readonly reason: UncheckedReason; readonly detail: string };

export interface ValidationEndpoint {
  readonly url: string | undefined;
  /** How to get a token; undefined when the sign-in variables have no value. */
  readonly signIn: SignInConfiguration | undefined;
}

function isIssue(value: unknown): value is ValidationIssue {
  if (typeof value !== "object" || value === null) return false;
  const issue = value as Record<string, unknown>;
  return (
    typeof issue.code === "string" &&
    isValidationIssueCode(issue.code) &&
    typeof issue.message === "string" &&
    (issue.attribute === undefined || typeof issue.attribute === "string")
  );
}

export function isValidationResponse(value: unknown): value is ValidationResponse {
  if (typeof value !== "object" || value === null) return false;
  const reply = value as Record<string, unknown>;
  return (
    typeof reply.valid === "boolean" &&
    Array.isArray(reply.errors) &&
    reply.errors.every(isIssue) &&
    Array.isArray(reply.warnings) &&
    reply.warnings.every(isIssue)
  );
}

function unchecked(reason: UncheckedReason, detail: string): ValidationOutcome {
  return { kind: "unchecked", reason, detail };
}

/** The body of an error reply, for the message; a validation API 4xx says what is wrong. */
async function replyText(response: Response): Promise<string> {
  const text = await response.text().catch(() => "");
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

async function post(url: string, request: ValidationRequest, token: string, signal: AbortSignal) {
  const headers = { "Content-Type": "application/json", Accept: "application/json", Authorization: `Bearer ${token}` };
  return fetch(url, { method: "POST", headers, body: JSON.stringify(request), credentials: "omit", signal });
}

async function outcomeOf(response: Response): Promise<ValidationOutcome> {
  if (response.status === 503 || response.status === 502 || response.status === 504) {
    return unchecked("scmUnavailable", `HTTP ${response.status} ${await replyText(response)}`.trim());
  }
  if (!response.ok) return unchecked("refused", `HTTP ${response.status} ${await replyText(response)}`.trim());
  const reply: unknown = await response.json().catch(() => undefined);
  if (!isValidationResponse(reply)) return unchecked("badReply", "the reply is not a validation response");
  // A reply whose only errors say SCM could not be reached is not SCM's verdict on the record.
  if (!reply.valid && reply.errors.length > 0 && reply.errors.every((e) => e.code === "scmUnavailable")) {
    return unchecked("scmUnavailable", reply.errors.map((e) => e.message).join(" "));
  }
  return { kind: "checked", response: reply };
}

/**
 * Asks the validation API about one record. Never throws: a network failure, the deadline, a non-2xx
 * or a malformed reply each become an `unchecked` outcome with a reason.
 */
export async function validateRecord(
  endpoint: ValidationEndpoint,
  request: ValidationRequest,
  signal: AbortSignal,
): Promise<ValidationOutcome> {
  const { url, signIn } = endpoint;
  if (url === undefined)
    return unchecked("notConfigured", "the environment variable fsi_ValidationApiUrl has no value");
  if (signIn === undefined) {
    return unchecked(
      "notConfigured",
      "the environment variables fsi_EntraAuthority, fsi_ValidationApiClientId and fsi_ValidationApiScope need values",
    );
  }
  try {
    const token = await silentToken(signIn, signal);
    return await outcomeOf(await post(url, request, token, signal));
  } catch (error) {
    if (signal.aborted) return unchecked("timeout", "no answer before the deadline");
    if (error instanceof TokenError) {
      return unchecked(error.reason === "failed" ? "refused" : error.reason, error.message);
    }
    return unchecked("unreachable", error instanceof Error ? error.message : String(error));
  }
}
