/** Per-request facts SCM's read routes need: which company a read is scoped to. */
import { scmError } from "../errors";

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
    throw scmError(
      400,
      "InvalidQuery.company",
      `company must be a company id of 1 to 4 letters or digits; got '${company}'.`,
    );
  }
  return (company ?? defaultCompany).toLowerCase();
}
