/**
 * The shape of an entity map template (a JSON file per table pair, like a dual-write table map).
 * Objects are strict so a misspelt property in a user's file ("direciton") is refused, not ignored.
 * Semantic checks against the table and entity definitions live in template-checks.ts.
 */
import { z } from "zod";

const logicalName = z
  .string()
  .regex(/^[a-z_][a-z0-9_]*$/, "must be a Dataverse logical name (lower-case letters, digits, _)");
const scmFieldName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be an SCM field name (letters, digits, _)");
/** A value on either side: a choice value, an enum symbol, a boolean, a text. */
const scalar = z.union([z.string(), z.number(), z.boolean()]);

export const mapDirectionSchema = z.enum(["both", "toScm", "toDataverse"]);

/** Pairs of values (choice ↔ enum, boolean ↔ NoYes), with fallbacks for values the pairs do not list. */
export const valueMapSchema = z.strictObject({
  pairs: z.array(z.strictObject({ dataverse: scalar, scm: scalar })).min(1),
  /** SCM value written for a Dataverse value no pair lists; without it such a value is an error. */
  unmappedToScm: scalar.optional(),
  /** Dataverse value written for an SCM value no pair lists; without it such a value is an error. */
  unmappedToDataverse: scalar.optional(),
});

/** Value written when the source side is empty (null, "" or SCM's empty date). */
export const defaultValueSchema = z.strictObject({
  toScm: scalar.optional(),
  toDataverse: scalar.optional(),
});

/**
 * A lookup resolved through the other side's natural key: the SCM field holds `key` of the row the
 * Dataverse lookup points to (`msdyn_operationalsite` ↔ `OperationalSiteId` via
 * `msdyn_operationalsite.msdyn_siteid`).
 */
export const lookupTransformSchema = z.strictObject({
  table: logicalName,
  key: logicalName,
  /** Match only rows of the same company; defaults to whether `table` is company-scoped. */
  sameCompany: z.boolean().optional(),
});

export const columnPairSchema = z.strictObject({
  dataverse: logicalName,
  scm: scmFieldName,
  direction: mapDirectionSchema,
  valueMap: valueMapSchema.optional(),
  default: defaultValueSchema.optional(),
  trim: z.boolean().optional(),
  /**
   * SCM's 0 means "no value" (an F&O Real or Int field has no null: an empty one stores 0), so 0
   * reaches Dataverse as null. For columns where 0 is not a meaningful value, such as coordinates.
   */
  zeroIsEmpty: z.boolean().optional(),
  lookup: lookupTransformSchema.optional(),
});

export const keyPairSchema = z.strictObject({ dataverse: logicalName, scm: scmFieldName });

export const companyPairSchema = z.strictObject({
  /** The company lookup column (`msdyn_company`). */
  dataverse: logicalName,
  /** The company table's key column holding the data area id (`cdm_companycode`). */
  key: logicalName,
  /** The SCM company field (`dataAreaId`). */
  scm: scmFieldName,
});

const optionName = z
  .string()
  .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, "must be lower-case words joined by - (microsoft, name)");

/** One way to map a concern (how warehouses are named): the column pairs it adds to the map. */
export const templateOptionSchema = z.strictObject({
  description: z.string().optional(),
  columns: z.array(columnPairSchema).min(1),
});

/**
 * A choice the template offers between alternative sets of column pairs, with the option used when
 * nobody chooses. An override picks another option with `"choose": { "<choice>": "<option>" }`.
 */
export const templateChoiceSchema = z
  .strictObject({
    description: z.string().optional(),
    default: optionName,
    options: z.record(optionName, templateOptionSchema),
  })
  .superRefine((choice, context) => {
    const names = Object.keys(choice.options);
    if (names.length < 2)
      context.addIssue({ code: "custom", path: ["options"], message: "a choice needs at least two options" });
    if (!names.includes(choice.default)) {
      context.addIssue({
        code: "custom",
        path: ["default"],
        message: `${choice.default} is not one of the options (${names.join(", ")})`,
      });
    }
  });

export const mapTemplateSchema = z.strictObject({
  name: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, "must be lower-case words joined by - (warehouses, ship-vias)"),
  description: z.string().optional(),
  dataverseTable: logicalName,
  scmCollection: scmFieldName,
  company: companyPairSchema,
  keys: z.array(keyPairSchema).min(1),
  /** Pairs every map of this template carries. */
  columns: z.array(columnPairSchema),
  /** Alternative pairs: the chosen option's pairs join `columns` when the map is built. */
  choices: z.record(optionName, templateChoiceSchema).optional(),
});

export type MapDirection = z.infer<typeof mapDirectionSchema>;
export type ValueMap = z.infer<typeof valueMapSchema>;
export type LookupTransform = z.infer<typeof lookupTransformSchema>;
export type ColumnPair = z.infer<typeof columnPairSchema>;
export type KeyPair = z.infer<typeof keyPairSchema>;
export type TemplateChoice = z.infer<typeof templateChoiceSchema>;
export type MapTemplate = z.infer<typeof mapTemplateSchema>;
/** Which option of each choice a map was built with (`{ naming: "microsoft" }`). */
export type ChoiceSelection = Readonly<Record<string, string>>;
/**
 * A template with its choices resolved: `columns` holds the shared pairs followed by the chosen
 * options' pairs, and `chosen` records the options, so an override can choose again.
 */
export type ResolvedTemplate = MapTemplate & { chosen?: ChoiceSelection };

declare const checkedTemplate: unique symbol;

/**
 * A template that passed the schema and the semantic checks. The brand exists only in the type
 * system: `parseMapTemplate` and `applyMapOverride` are the only ways to get one.
 */
export type EntityMap = Readonly<ResolvedTemplate> & { readonly [checkedTemplate]: true };

/** Does the pair carry values Dataverse → SCM? */
export const goesToScm = (direction: MapDirection) => direction !== "toDataverse";
/** Does the pair carry values SCM → Dataverse? */
export const goesToDataverse = (direction: MapDirection) => direction !== "toScm";
