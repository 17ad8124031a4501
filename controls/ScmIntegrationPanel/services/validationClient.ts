/**
 * Talks to the validation API (docs/design.md §5): a bearer token from the token endpoint, then
 * `POST <fsi_ValidationApiUrl>` with a `ValidationRequest`. The reply is checked with a hand-written
 * type guard typed against core's contract rather than with its zod schema: zod would multiply the
 * size of this control (the 20 KB target), and a test holds the guard to the schema's verdicts.
 */
import { isValidationIssueCode } from "../../../core/validation/codes";
import type { ValidationIssue, ValidationRequest, ValidationResponse } from "../../../core/validation/contract";

/** Why a record could not be checked; each has its own message in the panel. */
export type UncheckedReason =
  | "notSaved"
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
  /** GET with the user's cookies answers `{ access_token, expires_in }`; none means no token is sent. */
  readonly tokenUrl: string | null;
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

function isTokenReply(value: unknown): value is { access_token: string; expires_in: number } {
  if (typeof value !== "object" || value === null) return false;
  const reply = value as Record<string, unknown>;
  return typeof reply.access_token === "string" && reply.access_token !== "" && typeof reply.expires_in === "number";
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
}

/**
 * A client with its own token cache (one per control instance; no localStorage, docs/design.md §4) and
 * a deadline per check.
 */
export function createValidationClient(fetchFn: FetchFunction, timeoutMs: number): ValidationClient {
  let cached: { url: string; token: string; renewAt: number } | undefined;

  async function token(url: string, signal: AbortSignal, fresh: boolean): Promise<string> {
    if (!fresh && cached?.url === url && cached.renewAt > Date.now()) {
      return cached.token;
    }
    const response = await fetchFn(url, {
      method: "GET",
      credentials: "include",
      headers: { Accept: "application/json" },
      signal,
    });
    if (!response.ok) {
      throw new Unchecked("unauthorized", `The token endpoint answered HTTP ${response.status}.`);
    }
    const reply: unknown = await response.json().catch(() => undefined);
    if (!isTokenReply(reply)) {
      throw new Unchecked("unauthorized", "The token endpoint's reply has no access_token.");
    }
    // Renewed at half its life, so it never expires between asking and using it.
    cached = { url, token: reply.access_token, renewAt: Date.now() + (reply.expires_in * 1000) / 2 };
    return reply.access_token;
  }

  async function post(
    endpoint: ValidationEndpoint,
    request: ValidationRequest,
    signal: AbortSignal,
    freshToken: boolean,
  ) {
    const headers: Record<string, string> = { "Content-Type": "application/json", Accept: "application/json" };
    if (endpoint.tokenUrl) {
      headers.Authorization = `Bearer ${await token(endpoint.tokenUrl, signal, freshToken)}`;
    }
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
        let response = await post(endpoint, request, controller.signal, false);
        if (response.status === 401 && endpoint.tokenUrl) {
          // A cached token may have been revoked: one more try with a new one.
          response = await post(endpoint, request, controller.signal, true);
        }
        return await outcomeOf(response);
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
  };
}
