/**
 * Checks one record (the row as it would be after the write) against rules. Pure apart from the
 * two lookups the caller provides (reference exists, another row has the same values), which read
 * the same company's rows.
 */
import type {
  ScmEntityDefinition,
  ScmFieldDefinition,
  ScmKey,
  ScmRuleViolationCode,
  ScmValidationFieldError,
} from "@fsi/core";
import { type StoredRow, type StoredValue, isEmptyValue } from "../store/fields";
import type { RuleCondition, ScmRule } from "./schema";

export interface RuleLookups {
  /** Whether `collection` has a row in the record's company whose `field` is `value`. */
  readonly exists: (collection: string, field: string, value: StoredValue) => boolean;
  /** Whether another row than the record's own key, in its company, has these values. */
  readonly duplicateExists: (values: Readonly<Record<string, StoredValue>>) => boolean;
}

export interface RuleSubject {
  readonly entity: ScmEntityDefinition;
  readonly company: string;
  readonly row: StoredRow;
  readonly key: ScmKey;
}

const operatorWords: Record<string, string> = {
  eq: "equal to",
  ne: "different from",
  lt: "less than",
  le: "less than or equal to",
  gt: "greater than",
  ge: "greater than or equal to",
};

export function evaluateRules(
  rules: readonly ScmRule[],
  subject: RuleSubject,
  lookups: RuleLookups,
): ScmValidationFieldError[] {
  const errors: ScmValidationFieldError[] = [];
  for (const rule of rules) {
    if (rule.when !== undefined && !conditionHolds(rule.when, subject)) continue;
    const violation = check(rule, subject, lookups);
    if (violation !== undefined) {
      errors.push({ field: violation.field, code: violation.code, message: rule.message ?? violation.message });
    }
  }
  return errors;
}

type Violation = ScmValidationFieldError;

function check(rule: ScmRule, subject: RuleSubject, lookups: RuleLookups): Violation | undefined {
  const { entity, row, company } = subject;
  if (rule.rule === "unique") {
    const values = Object.fromEntries(rule.fields.map((field) => [field, row[field] ?? ""]));
    const allSet = rule.fields.every((field) => !isEmptyValue(fieldOf(entity, field), row[field]));
    if (!allSet || !lookups.duplicateExists(values)) return undefined;
    const described = rule.fields.map((field) => `${field} '${String(row[field])}'`).join(" and ");
    return violation(
      rule.fields[0] ?? "",
      "notUnique",
      `Another ${entity.displayName.toLowerCase()} record in company '${company}' already has ${described}.`,
    );
  }
  const field = fieldOf(entity, rule.field);
  const value = row[rule.field];
  const empty = isEmptyValue(field, value);
  const when = rule.when === undefined ? "" : ` when ${describeCondition(rule.when)}`;
  switch (rule.rule) {
    case "required":
      return empty
        ? violation(rule.field, "required", `'${rule.field}' must be filled in${when} (company '${company}').`)
        : undefined;
    case "maxLength":
      return typeof value === "string" && value.length > rule.max
        ? violation(
            rule.field,
            "maxLength",
            `'${rule.field}' is ${value.length} characters long; company '${company}' allows at most ${rule.max}.`,
          )
        : undefined;
    case "pattern":
      return !empty && !new RegExp(rule.pattern, "u").test(String(value))
        ? violation(
            rule.field,
            "pattern",
            `'${rule.field}' value '${String(value)}' does not match the format company '${company}' requires: ${rule.description ?? rule.pattern}.`,
          )
        : undefined;
    case "range": {
      if (typeof value !== "number") return undefined;
      const tooLow = rule.min !== undefined && value < rule.min;
      const tooHigh = rule.max !== undefined && value > rule.max;
      if (!tooLow && !tooHigh) return undefined;
      const bounds =
        rule.min !== undefined && rule.max !== undefined
          ? `between ${rule.min} and ${rule.max}`
          : rule.min !== undefined
            ? `at least ${rule.min}`
            : `at most ${String(rule.max)}`;
      return violation(rule.field, "range", `'${rule.field}' must be ${bounds} in company '${company}'; got ${value}.`);
    }
    case "allowedValues":
      return !empty && value !== undefined && !rule.values.some((allowed) => sameValue(allowed, value))
        ? violation(
            rule.field,
            "allowedValues",
            `'${rule.field}' must be one of ${rule.values.join(", ")} in company '${company}'; got '${String(value)}'.`,
          )
        : undefined;
    case "referenceExists":
      return !empty && value !== undefined && !lookups.exists(rule.entity, rule.targetField, value)
        ? violation(
            rule.field,
            "referenceNotFound",
            `The value '${String(value)}' in '${rule.field}' was not found in ${rule.entity} (${rule.targetField}) of company '${company}'.`,
          )
        : undefined;
    case "crossField":
      return crossField(rule, subject, empty, when);
  }
}

function crossField(
  rule: Extract<ScmRule, { rule: "crossField" }>,
  subject: RuleSubject,
  empty: boolean,
  when: string,
): Violation | undefined {
  const value = subject.row[rule.field];
  if (rule.operator === "empty") {
    return empty
      ? undefined
      : violation(rule.field, "crossField", `'${rule.field}' must be empty${when}; it is '${String(value)}'.`);
  }
  const otherField = rule.otherField ?? "";
  const other = subject.row[otherField];
  if (empty || isEmptyValue(fieldOf(subject.entity, otherField), other) || value === undefined || other === undefined)
    return undefined;
  if (compare(value, other, rule.operator)) return undefined;
  return violation(
    rule.field,
    "crossField",
    `'${rule.field}' (${String(value)}) must be ${operatorWords[rule.operator] ?? rule.operator} '${otherField}' (${String(other)}).`,
  );
}

function compare(left: StoredValue, right: StoredValue, operator: string): boolean {
  // Strings compare case-insensitively (SQL Server collation); ISO dates of one format sort as text.
  const l = typeof left === "string" ? left.toLowerCase() : left;
  const r = typeof right === "string" ? right.toLowerCase() : right;
  switch (operator) {
    case "eq":
      return l === r;
    case "ne":
      return l !== r;
    case "lt":
      return l < r;
    case "le":
      return l <= r;
    case "gt":
      return l > r;
    default:
      return l >= r;
  }
}

function conditionHolds(condition: RuleCondition, subject: RuleSubject): boolean {
  const value = subject.row[condition.field];
  if (value === undefined) return false;
  const candidates = condition.in ?? (condition.equals === undefined ? [] : [condition.equals]);
  return candidates.some((candidate) => sameValue(candidate, value));
}

function describeCondition(condition: RuleCondition): string {
  return condition.in === undefined
    ? `${condition.field} is ${String(condition.equals)}`
    : `${condition.field} is one of ${condition.in.join(", ")}`;
}

function sameValue(expected: string | number, actual: StoredValue): boolean {
  return typeof expected === "string" && typeof actual === "string"
    ? expected.toLowerCase() === actual.toLowerCase()
    : expected === actual;
}

function fieldOf(entity: ScmEntityDefinition, name: string): ScmFieldDefinition {
  const field = entity.fields[name];
  if (field === undefined)
    throw new Error(`${entity.collection} has no field '${name}' (the rules file was not checked).`);
  return field;
}

function violation(field: string, code: ScmRuleViolationCode, message: string): Violation {
  return { field, code, message };
}
