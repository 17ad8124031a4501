/**
 * The business rules file: per-company rules as data, so no client can hard-code them. Validated
 * with zod; semantic checks (entities and fields exist, patterns compile) report the JSON path of
 * each problem.
 *
 * ```json
 * { "allCompanies": { "Warehouses": [ { "rule": "required", "field": "WarehouseName" } ] },
 *   "companies": { "usmf": { "Warehouses": [ { "rule": "required", "field": "TransitWarehouseId",
 *                                              "when": { "field": "WarehouseType", "equals": "Default" } } ] },
 *                  "demf": {} } }
 * ```
 *
 * The keys of `companies` are the legal entities this SCM has; a write to any other company is
 * refused. A company's rules are `allCompanies` plus its own.
 */
import { z } from "zod";
import { type ScmEntityDefinition, scmEntities, scmEntityByCollection, scmField } from "@fsi/core";

const scalar = z.union([z.string(), z.number()]);

/** A precondition: the rule applies only when `field` equals `equals` (or is one of `in`). */
const whenSchema = z
  .strictObject({
    field: z.string(),
    equals: scalar.optional(),
    in: z.array(scalar).min(1).optional(),
  })
  .refine((when) => (when.equals === undefined) !== (when.in === undefined), {
    error: "give exactly one of 'equals' or 'in'",
  });

const common = {
  field: z.string(),
  when: whenSchema.optional(),
  /** Replaces the generated message. */
  message: z.string().min(1).optional(),
};

export const comparisonOperators = ["eq", "ne", "lt", "le", "gt", "ge"] as const;

export const ruleSchema = z.discriminatedUnion("rule", [
  z.strictObject({ rule: z.literal("required"), ...common }),
  z.strictObject({ rule: z.literal("maxLength"), ...common, max: z.number().int().positive() }),
  z.strictObject({
    rule: z.literal("pattern"),
    ...common,
    pattern: z.string().refine(compiles, { error: "must be a valid regular expression" }),
    /** Words for the format, shown in the message instead of the regular expression. */
    description: z.string().optional(),
  }),
  z
    .strictObject({ rule: z.literal("range"), ...common, min: z.number().optional(), max: z.number().optional() })
    .refine((rule) => rule.min !== undefined || rule.max !== undefined, { error: "give 'min', 'max' or both" })
    .refine((rule) => rule.min === undefined || rule.max === undefined || rule.min <= rule.max, {
      error: "'min' must not exceed 'max'",
    }),
  z.strictObject({ rule: z.literal("allowedValues"), ...common, values: z.array(scalar).min(1) }),
  /** The value must exist as `targetField` of a row of `entity` in the same company. */
  z.strictObject({ rule: z.literal("referenceExists"), ...common, entity: z.string(), targetField: z.string() }),
  /** No other row of the company may have the same values in `fields` (all non-empty). */
  z.strictObject({
    rule: z.literal("unique"),
    fields: z.array(z.string()).min(1),
    when: whenSchema.optional(),
    message: z.string().min(1).optional(),
  }),
  /**
   * `field` compared with `otherField` (both non-empty), or `operator: "empty"`: `field` must be
   * empty (usually with a `when`).
   */
  z
    .strictObject({
      rule: z.literal("crossField"),
      ...common,
      operator: z.enum([...comparisonOperators, "empty"]),
      otherField: z.string().optional(),
    })
    .refine((rule) => (rule.operator === "empty") === (rule.otherField === undefined), {
      error: "a comparison needs 'otherField'; 'empty' takes none",
    }),
]);

const entityRulesSchema = z.record(z.string(), z.array(ruleSchema));

export const rulesFileSchema = z
  .strictObject({
    $schema: z.string().optional(),
    description: z.string().optional(),
    allCompanies: entityRulesSchema.default({}),
    companies: z.record(
      z.string().regex(/^[a-z0-9]{1,4}$/, "company ids are 1 to 4 lower-case letters or digits"),
      entityRulesSchema,
    ),
  })
  .superRefine((file, context) => {
    const check = (rulesByEntity: Record<string, ScmRule[]>, path: (string | number)[]): void => {
      for (const [collection, rules] of Object.entries(rulesByEntity)) {
        const entity = scmEntityByCollection(collection);
        if (entity === undefined) {
          context.addIssue({
            code: "custom",
            path: [...path, collection],
            message: `unknown entity '${collection}'; known: ${scmEntities.map((known) => known.collection).join(", ")}`,
          });
          continue;
        }
        rules.forEach((rule, index) => {
          for (const problem of ruleProblems(entity, rule)) {
            context.addIssue({
              code: "custom",
              path: [...path, collection, index, ...problem.path],
              message: problem.message,
            });
          }
        });
      }
    };
    check(file.allCompanies, ["allCompanies"]);
    for (const [company, rulesByEntity] of Object.entries(file.companies)) check(rulesByEntity, ["companies", company]);
  });

export type ScmRule = z.infer<typeof ruleSchema>;
export type ScmRulesFile = z.infer<typeof rulesFileSchema>;
export type RuleCondition = z.infer<typeof whenSchema>;

function ruleProblems(entity: ScmEntityDefinition, rule: ScmRule): { path: (string | number)[]; message: string }[] {
  const problems: { path: (string | number)[]; message: string }[] = [];
  const requireField = (owner: ScmEntityDefinition, field: string, path: (string | number)[]): void => {
    if (scmField(owner, field) === undefined) {
      problems.push({ path, message: `'${field}' is not a field of ${owner.collection}` });
    }
  };
  if (rule.rule === "unique")
    rule.fields.forEach((field, index) => {
      requireField(entity, field, ["fields", index]);
    });
  else requireField(entity, rule.field, ["field"]);
  if (rule.when !== undefined) requireField(entity, rule.when.field, ["when", "field"]);
  if (rule.rule === "crossField" && rule.otherField !== undefined)
    requireField(entity, rule.otherField, ["otherField"]);
  if (rule.rule === "referenceExists") {
    const target = scmEntityByCollection(rule.entity);
    if (target === undefined) problems.push({ path: ["entity"], message: `unknown entity '${rule.entity}'` });
    else requireField(target, rule.targetField, ["targetField"]);
  }
  return problems;
}

function compiles(pattern: string): boolean {
  try {
    new RegExp(pattern, "u");
    return true;
  } catch {
    return false;
  }
}

/** The rules that apply to `collection` in `company`: `allCompanies` first, then the company's own. */
export function rulesFor(file: ScmRulesFile, company: string, collection: string): ScmRule[] {
  return [...(file.allCompanies[collection] ?? []), ...(file.companies[company]?.[collection] ?? [])];
}
