/** Per-request facts every SCM route needs: who writes, which company, where the service root is. */
import type { IncomingMessage } from "node:http";
import { SCM_DEFAULT_INITIATING_USER, SCM_INITIATING_USER_HEADER } from "../../../core";
import { scmError } from "../errors";

const MAX_USER_LENGTH = 100;

/** The `x-fsi-user` header (default `Admin`): who a write is made as. */
export function initiatingUser(req: IncomingMessage): string {
  const header = req.headers[SCM_INITIATING_USER_HEADER];
  if (header === undefined) return SCM_DEFAULT_INITIATING_USER;
  const value = (Array.isArray(header) ? header.join(",") : header).trim();
  if (value === "" || value.length > MAX_USER_LENGTH) {
    throw scmError(400, "InvalidHeader", `The ${SCM_INITIATING_USER_HEADER} header must name a user in 1 to ${MAX_USER_LENGTH} characters.`);
  }
  return value;
}

/**
 * The read scope: `cross-company=true` reads every company; otherwise one company — the one in the
 * emulator's `company` query parameter (a convenience; F&O uses the caller's default company), or
 * the default company (`usmf`), as F&O scopes reads to the user's default company.
 */
export function readScope(searchParams: URLSearchParams, defaultCompany: string): string | undefined {
  const crossCompany = searchParams.get("cross-company");
  if (crossCompany !== null && crossCompany !== "true" && crossCompany !== "false") {
    throw scmError(400, "InvalidQuery.crossCompany", `cross-company must be true or false; got '${crossCompany}'.`);
  }
  if (crossCompany === "true") return undefined;
  const company = searchParams.get("company");
  if (company !== null && !/^[A-Za-z0-9]{1,4}$/.test(company)) {
    throw scmError(400, "InvalidQuery.company", `company must be a company id of 1 to 4 letters or digits; got '${company}'.`);
  }
  return (company ?? defaultCompany).toLowerCase();
}
