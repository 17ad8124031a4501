/** SCM's field-level errors, renamed to the Dataverse columns a form can put a notification on. */
import { isValidationIssueCode, type ValidationIssueCode } from "../validation/codes";
import type { EntityMap } from "./template-schema";

/** An error as SCM reports it: the SCM field (absent for row-level rules), a code and a message. */
export interface ScmFieldError {
  readonly field?: string;
  readonly code: string;
  readonly message: string;
}

export interface DataverseFieldError {
  readonly attribute?: string;
  readonly code: ValidationIssueCode;
  readonly message: string;
}

/** The Dataverse column an SCM field is mapped to in this map (company, keys, columns), if any. */
export function dataverseColumnForScmField(map: EntityMap, field: string): string | undefined {
  if (field === map.company.scm) return map.company.dataverse;
  return (map.keys.find((key) => key.scm === field) ?? map.columns.find((pair) => pair.scm === field))?.dataverse;
}

/**
 * Renames SCM fields to Dataverse columns. An error on a field the map does not carry stays,
 * without an attribute (a row-level error on the form), so nothing SCM said is lost. Codes SCM
 * uses that the contract does not list are reported as `invalidValue`.
 */
export function scmErrorsToDataverse(errors: readonly ScmFieldError[], map: EntityMap): DataverseFieldError[] {
  return errors.map((error) => {
    const attribute = error.field === undefined ? undefined : dataverseColumnForScmField(map, error.field);
    const code = isValidationIssueCode(error.code) ? error.code : "invalidValue";
    const message =
      attribute === undefined && error.field !== undefined ? `${error.field}: ${error.message}` : error.message;
    return attribute === undefined ? { code, message } : { attribute, code, message };
  });
}
