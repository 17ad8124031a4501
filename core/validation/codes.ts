/**
 * Issue codes shared by the validation API, the record checks and the entity maps. The SCM
 * emulator reports its rule violations with the same strings, so an SCM error maps onto a
 * Dataverse column without translating its code.
 */
export const ValidationIssueCode = {
  required: "required",
  maxLength: "maxLength",
  pattern: "pattern",
  range: "range",
  allowedValues: "allowedValues",
  referenceNotFound: "referenceNotFound",
  notUnique: "notUnique",
  crossField: "crossField",
  invalidValue: "invalidValue",
  unknownColumn: "unknownColumn",
  scmUnavailable: "scmUnavailable",
} as const;

export type ValidationIssueCode = (typeof ValidationIssueCode)[keyof typeof ValidationIssueCode];

/** The codes as a non-empty tuple, for `z.enum`. */
export const validationIssueCodes = Object.values(ValidationIssueCode) as [
  ValidationIssueCode,
  ...ValidationIssueCode[],
];

export function isValidationIssueCode(value: string): value is ValidationIssueCode {
  return (validationIssueCodes as readonly string[]).includes(value);
}
