/**
 * The validation API's client (docs/design.md §5), shared by both browser parts that call it: the
 * form scripts (forms/) and the SCM Integration panel (controls/ScmIntegrationPanel). It posts a
 * `ValidationRequest` with the user's bearer token and sorts every way the call can end into an
 * outcome; it never throws.
 *
 * - The token comes from the caller (MSAL.js through `FSI.SignIn` in both parts). When the API
 *   answers 401, the token it was sent is asked for again past the cache (MSAL's silent request
 *   `forceRefresh`, `@azure/msal-common` CommonSilentFlowRequest) and the call is made once more:
 *   a token revoked or issued before a change of the app registration is replaced without the user.
 * - The reply is checked with a structural guard typed against the contract rather than with its
 *   zod schema, for the bundle size (core/maps/summary.ts says why zod stays out of browser code);
 *   a test holds the guard to the schema's verdicts (controls/ScmIntegrationPanel/__tests__/contract.test.ts).
 *
 * Runtime-neutral: `fetch`, `AbortSignal` and `Response` are the web platform's, in browsers and Node.
 */
import { isValidationIssueCode } from "./codes";
import type { ValidationIssue, ValidationRequest, ValidationResponse } from "./contract";

/** Why a call gave no verdict. */
export type CallFailure =
  | "signInRequired"
  | "notConfigured"
  | "unauthorized"
  | "refused"
  | "scmUnavailable"
  | "timeout"
  | "unreachable"
  | "badReply";

export type CallOutcome =
  | { readonly kind: "checked"; readonly response: ValidationResponse }
  | { readonly kind: "unchecked"; readonly reason: CallFailure; readonly detail: string };

export type FetchFunction = (url: string, init: RequestInit) => Promise<Response>;

/** What a token source throws to say why there is no token. */
export class TokenUnavailable extends Error {
  constructor(
    readonly reason: "signInRequired" | "notConfigured" | "unauthorized",
    message: string,
  ) {
    super(message);
  }
}

/** A bearer token for the API; `forceRefresh` skips the cached token (after a 401). */
export type TokenSource = (options: { readonly forceRefresh: boolean }) => Promise<string>;

export interface ValidationCall {
  readonly url: string;
  readonly request: ValidationRequest;
  readonly token: TokenSource;
  /** Aborts the call (token included): the caller's deadline. */
  readonly signal: AbortSignal;
  readonly fetch?: FetchFunction;
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

/** The reply's shape, checked without zod. */
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

/** Resolves `work`, or rejects when `signal` aborts first (for work that takes no signal, such as MSAL's calls). */
export function within<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  const aborted = () => new DOMException("The operation was aborted.", "AbortError");
  if (signal.aborted) return Promise.reject(aborted());
  return new Promise<T>((resolve, reject) => {
    const abort = () => {
      reject(aborted());
    };
    signal.addEventListener("abort", abort, { once: true });
    work.then(resolve, reject).finally(() => {
      signal.removeEventListener("abort", abort);
    });
  });
}

function unchecked(reason: CallFailure, detail: string): CallOutcome {
  return { kind: "unchecked", reason, detail };
}

/** The body of an error reply, for the message: a validation API 4xx says what is wrong. */
async function replyText(response: Response): Promise<string> {
  const text = await response.text().catch(() => "");
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

async function outcomeOf(response: Response): Promise<CallOutcome> {
  const status = `HTTP ${response.status}`;
  if (response.status === 502 || response.status === 503 || response.status === 504) {
    return unchecked("scmUnavailable", `${status} ${await replyText(response)}`.trim());
  }
  if (response.status === 401 || response.status === 403) {
    return unchecked("unauthorized", `${status} ${await replyText(response)}`.trim());
  }
  if (!response.ok) return unchecked("refused", `${status} ${await replyText(response)}`.trim());
  const reply: unknown = await response.json().catch(() => undefined);
  if (!isValidationResponse(reply)) return unchecked("badReply", "The reply is not a validation response.");
  // A reply whose only errors say SCM could not be reached is not SCM's verdict on the record.
  if (!reply.valid && reply.errors.length > 0 && reply.errors.every((issue) => issue.code === "scmUnavailable")) {
    return unchecked("scmUnavailable", reply.errors.map((issue) => issue.message).join(" "));
  }
  return { kind: "checked", response: reply };
}

/** Asks the validation API about one record; a 401 is retried once with a fresh token. */
export async function callValidationApi(call: ValidationCall): Promise<CallOutcome> {
  const { url, request, signal } = call;
  const fetchFn = call.fetch ?? ((input, init) => fetch(input, init));
  const post = async (forceRefresh: boolean) => {
    const token = await within(call.token({ forceRefresh }), signal);
    const headers = {
      "Content-Type": "application/json",
      Accept: "application/json",
      Authorization: `Bearer ${token}`,
    };
    return fetchFn(url, { method: "POST", headers, body: JSON.stringify(request), credentials: "omit", signal });
  };
  try {
    let response = await post(false);
    if (response.status === 401) {
      await response.body?.cancel().catch(() => undefined);
      response = await post(true);
    }
    return await outcomeOf(response);
  } catch (error) {
    if (signal.aborted) return unchecked("timeout", "No answer before the deadline.");
    if (error instanceof TokenUnavailable) return unchecked(error.reason, error.message);
    return unchecked("unreachable", error instanceof Error ? error.message : String(error));
  }
}
