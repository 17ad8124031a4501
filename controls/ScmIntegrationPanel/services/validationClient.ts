/**
 * Talks to the validation API (docs/design.md §5): a bearer token from Microsoft Entra ID through the
 * sign-in library the form scripts use too (MSAL.js, `forms/sign-in`; one cache for both
 * on the org's origin), then `POST <fsi_ValidationApiUrl>` with a `ValidationRequest`. The reply is checked with a hand-written
 * type guard typed against core's contract rather than with its zod schema: zod would multiply the
 * size of this control (the 20 KB target), and a test holds the guard to the schema's verdicts.
 */
import { isValidationIssueCode } from "../../../core/validation/codes";
import type { ValidationIssue, ValidationRequest, ValidationResponse } from "../../../core/validation/contract";
import type { FsiSignIn, SignInConfiguration } from "../../../forms/lib/sign-in-contract";
import { isSignInError } from "../../../forms/lib/sign-in-contract";

/** Why a record could not be checked; each has its own message in the panel. */
export type UncheckedReason =
  | "notSaved"
  | "signInRequired"
  | "signInUnavailable"
  | "notConfigured"
  | "noCompany"
  | "cannotRead"
  | "unauthorized"
  | "refused"
  | "scmUnavailable"
  | "timeout"
  | "unreachable"
  | "badReply";

export type ValidationOutcome =
  | { readonly kind: "checked"; readonly response: ValidationResponse }
  | { readonly kind: "unchecked"; readonly reason: UncheckedReason; readonly detail: string };

export type FetchFunction = (url: string, init: RequestInit) => Promise<Response>;

export interface ValidationEndpoint {
  readonly url: string;
  readonly signIn: SignInConfiguration;
  /** The user's sign-in name (`systemuser.domainname`), MSAL's login hint. */
  readonly loginHint: string | undefined;
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
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const reply = value as Record<string, unknown>;
  return (
    typeof reply.valid === "boolean" &&
    Array.isArray(reply.errors) &&
    reply.errors.every(isIssue) &&
    Array.isArray(reply.warnings) &&
    reply.warnings.every(isIssue)
  );
}

class Unchecked extends Error {
  constructor(
    readonly reason: UncheckedReason,
    detail: string,
  ) {
    super(detail);
  }
}

async function replyText(response: Response): Promise<string> {
  const text = await response.text().catch(() => "");
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

export interface ValidationClient {
  validate(endpoint: ValidationEndpoint, request: ValidationRequest): Promise<ValidationOutcome>;
  /** Opens the sign-in popup: call synchronously from the user's click. */
  signInInteractively(endpoint: ValidationEndpoint): Promise<void>;
}

/**
 * A client over the sign-in library (MSAL caches the tokens for the browser session, shared with the
 * form scripts) with a deadline per check.
 */
export function createValidationClient(fetchFn: FetchFunction, timeoutMs: number, signIn: FsiSignIn): ValidationClient {
  async function token(endpoint: ValidationEndpoint, signal: AbortSignal): Promise<string> {
    const acquiring = signIn.acquireTokenSilent(endpoint.signIn, endpoint.loginHint);
    const aborted = new Promise<never>((_resolve, reject) => {
      signal.addEventListener("abort", () => {
        reject(new Unchecked("timeout", `No token within ${timeoutMs / 1000} s.`));
      });
    });
    try {
      return await Promise.race([acquiring, aborted]);
    } catch (error) {
      if (error instanceof Unchecked) throw error;
      if (isSignInError(error) && error.code === "interaction_required") {
        throw new Unchecked("signInRequired", "Sign-in is needed.");
      }
      throw new Unchecked("unauthorized", error instanceof Error ? error.message : String(error));
    }
  }

  async function post(endpoint: ValidationEndpoint, request: ValidationRequest, signal: AbortSignal) {
    const headers = {
      "Content-Type": "application/json",
      Accept: "application/json",
      Authorization: `Bearer ${await token(endpoint, signal)}`,
    };
    return fetchFn(endpoint.url, {
      method: "POST",
      headers,
      body: JSON.stringify(request),
      credentials: "omit",
      signal,
    });
  }

  async function outcomeOf(response: Response): Promise<ValidationOutcome> {
    if (response.status === 502 || response.status === 503 || response.status === 504) {
      return { kind: "unchecked", reason: "scmUnavailable", detail: await replyText(response) };
    }
    if (response.status === 401 || response.status === 403) {
      return {
        kind: "unchecked",
        reason: "unauthorized",
        detail: `HTTP ${response.status} ${await replyText(response)}`.trim(),
      };
    }
    if (!response.ok) {
      return {
        kind: "unchecked",
        reason: "refused",
        detail: `HTTP ${response.status} ${await replyText(response)}`.trim(),
      };
    }
    const reply: unknown = await response.json().catch(() => undefined);
    if (!isValidationResponse(reply)) {
      return { kind: "unchecked", reason: "badReply", detail: "The reply is not a validation response." };
    }
    return { kind: "checked", response: reply };
  }

  return {
    async validate(endpoint, request) {
      const controller = new AbortController();
      const timer = setTimeout(() => {
        controller.abort();
      }, timeoutMs);
      try {
        return await outcomeOf(await post(endpoint, request, controller.signal));
      } catch (error) {
        if (error instanceof Unchecked) {
          return { kind: "unchecked", reason: error.reason, detail: error.message };
        }
        if (controller.signal.aborted) {
          return { kind: "unchecked", reason: "timeout", detail: `No answer within ${timeoutMs / 1000} s.` };
        }
        return {
          kind: "unchecked",
          reason: "unreachable",
          detail: error instanceof Error ? error.message : String(error),
        };
      } finally {
        clearTimeout(timer);
      }
    },
    async signInInteractively(endpoint) {
      await signIn.acquireTokenPopup(endpoint.signIn, endpoint.loginHint);
    },
  };
}
