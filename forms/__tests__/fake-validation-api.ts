/**
 * The validation API, behind a stubbed `fetch` (tokens come from `FakeSignIn`). Requests are parsed with the
 * real contract schema (core/validation), so a request our code builds wrongly is answered 400 and
 * recorded in `malformed`; SCM's rules are a small per-company table so tests can give companies
 * different rules, as SCM does.
 */
import { tableByLogicalName } from "@fsi/core/dataverse/tables";
import type { ValidationIssue, ValidationRequest } from "@fsi/core/validation/contract";
import { validationRequestSchema } from "@fsi/core/validation/contract";
import { validationApiUrl } from "./dataverse";

export interface CompanyRules {
  /** Columns SCM requires, per table. */
  readonly required?: Readonly<Record<string, readonly string[]>>;
  /** SCM's maximum lengths (shorter than Dataverse's), per table and column. */
  readonly maxLength?: Readonly<Record<string, Readonly<Record<string, number>>>>;
}

export type ApiMode =
  /** Answers from the rules. */
  | "up"
  /** 503: SCM unreachable (docs/design.md §5). */
  | "scmDown"
  /** The host cannot be reached: fetch rejects. */
  | "unreachable"
  /** Never answers; only the caller's abort signal ends the request. */
  | "hang";

export interface RecordedRequest {
  readonly body: ValidationRequest;
  readonly authorization: string | undefined;
}

export class FakeValidationApi {
  mode: ApiMode = "up";
  readonly requests: RecordedRequest[] = [];
  readonly malformed: string[] = [];
  /** Every POST to the validation API, answered or not. */
  posts = 0;
  /** Requests that were aborted by the caller (the OnSave deadline). */
  aborted = 0;
  /** Issues added to every answer (row-level errors, unknown columns, warnings). */
  extraErrors: ValidationIssue[] = [];
  warnings: ValidationIssue[] = [];
  /** Requests parked in `hang` mode, released by `answerHeldRequests`. */
  private readonly held: (() => void)[] = [];

  constructor(readonly rules: Readonly<Record<string, CompanyRules>>) {}

  /** The stub to put in place of `globalThis.fetch`. */
  readonly fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    if (url === validationApiUrl) return this.validate(init);
    throw new TypeError(`fetch failed: no route to ${url}`);
  };

  /** Lets requests held in `hang` mode through, answered from the rules. */
  answerHeldRequests(): void {
    this.mode = "up";
    for (const release of this.held.splice(0)) release();
  }

  private async validate(init: RequestInit | undefined): Promise<Response> {
    this.posts += 1;
    if (this.mode === "unreachable") throw new TypeError("fetch failed");
    if (this.mode === "hang") await this.holdUntilReleasedOrAborted(init?.signal ?? undefined);
    const headers = new Headers(init?.headers);
    const authorization = headers.get("Authorization") ?? undefined;
    const parsed = validationRequestSchema.safeParse(JSON.parse(typeof init?.body === "string" ? init.body : "null"));
    if (!parsed.success) {
      this.malformed.push(parsed.error.message);
      return Response.json({ error: parsed.error.message }, { status: 400 });
    }
    this.requests.push({ body: parsed.data, authorization });
    const token = authorization?.replace(/^Bearer /, "");
    if (token === undefined || !token.startsWith("token-")) {
      return Response.json({ error: "unauthenticated" }, { status: 401 });
    }
    if (this.mode === "scmDown") return Response.json({ error: "SCM is unreachable" }, { status: 503 });
    const errors = [...this.check(parsed.data), ...this.extraErrors];
    return Response.json({ valid: errors.length === 0, errors, warnings: this.warnings });
  }

  private holdUntilReleasedOrAborted(signal: AbortSignal | undefined): Promise<void> {
    return new Promise((resolve, reject) => {
      this.held.push(resolve);
      signal?.addEventListener("abort", () => {
        this.aborted += 1;
        reject(new DOMException("The operation was aborted.", "AbortError"));
      });
    });
  }

  /** SCM's rules for the request's company: required columns and maximum lengths. */
  private check(request: ValidationRequest): ValidationIssue[] {
    const rules = this.rules[request.company] ?? {};
    const table = tableByLogicalName(request.table);
    const label = (column: string) => table?.columns[column]?.displayName ?? column;
    const issues: ValidationIssue[] = [];
    for (const column of rules.required?.[request.table] ?? []) {
      const value = request.attributes[column];
      const missing =
        request.operation === "create"
          ? value === undefined || value === null || value === ""
          : value === null || value === "";
      if (missing)
        issues.push({
          attribute: column,
          code: "required",
          message: `${label(column)} is required in company ${request.company}.`,
        });
    }
    for (const [column, max] of Object.entries(rules.maxLength?.[request.table] ?? {})) {
      const value = request.attributes[column];
      if (typeof value === "string" && value.length > max) {
        issues.push({
          attribute: column,
          code: "maxLength",
          message: `${label(column)} can have at most ${max} characters in SCM.`,
        });
      }
    }
    return issues;
  }
}
