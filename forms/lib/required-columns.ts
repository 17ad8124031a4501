/// <reference types="xrm" />
/**
 * Which columns SCM requires depends on the company (its rules are per company and can change at run
 * time), so they are learned, never hard-coded: an empty create is posted to the validation API and
 * every `required` error names a column to mark required. Asked once per table and company per page.
 */
import type { IntegrationTableName } from "@fsi/core/dataverse/tables";
import { userMessages } from "./messages";
import type { ValidationEndpoint } from "./validation-client";
import { validateRecord } from "./validation-client";

const learned = new Map<string, Promise<readonly string[]>>();

export class RequiredColumnsUnknown extends Error {
  readonly code = "SCM_UNAVAILABLE";
}

/** The columns SCM reports as required for an empty row of `table` in `company`. */
export function scmRequiredColumns(
  table: IntegrationTableName,
  company: string,
  endpoint: ValidationEndpoint,
  signal: AbortSignal,
): Promise<readonly string[]> {
  const key = `${table}|${company}`;
  const known = learned.get(key);
  if (known !== undefined) return known;
  const asking = (async () => {
    const outcome = await validateRecord(endpoint, { table, operation: "create", company, attributes: {} }, signal);
    if (outcome.kind === "unchecked")
      throw new RequiredColumnsUnknown(userMessages().reason(outcome.reason, outcome.detail));
    const columns = outcome.response.errors.flatMap((e) =>
      e.code === "required" && e.attribute !== undefined ? [e.attribute] : [],
    );
    return [...new Set(columns)];
  })();
  learned.set(key, asking);
  // Not knowing is not an answer: the next form load or company change asks again.
  asking.catch(() => learned.delete(key));
  return asking;
}

/**
 * Marks the learned columns required on a form, and puts back the level of the columns a previous
 * company had made required (the company of a new row can still change before its first save).
 */
export class LearnedRequirements {
  private readonly original = new Map<string, Xrm.Attributes.RequirementLevel>();

  apply(formContext: Xrm.FormContext, columns: readonly string[]): void {
    for (const [column, level] of this.original) {
      if (!columns.includes(column)) formContext.getAttribute(column)?.setRequiredLevel(level);
    }
    for (const column of columns) {
      const attribute = formContext.getAttribute(column);
      if (attribute === null) continue;
      if (!this.original.has(column)) this.original.set(column, attribute.getRequiredLevel());
      attribute.setRequiredLevel("required");
    }
    for (const column of [...this.original.keys()]) {
      if (!columns.includes(column)) this.original.delete(column);
    }
  }
}
