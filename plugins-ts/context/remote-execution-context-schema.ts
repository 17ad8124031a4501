/**
 * zod schema of the RemoteExecutionContext JSON a Dataverse webhook step posts, producing the typed
 * values of `sdk-values.ts`. Only what the integration relies on is required; unknown properties
 * (ParentContext, OwningExtension, ...) are allowed, as a newer platform may add some.
 *
 * Shape source: Learn, "Use webhooks to create external handlers for server events" (sample body)
 * and the `RemoteExecutionContext` / `Entity` data contracts in Microsoft.Xrm.Sdk.
 */
import { z } from "zod";
import {
  type SdkEntity,
  type SdkEntityCollection,
  type SdkEntityReference,
  type SdkValue,
  parseWcfDate,
} from "./sdk-values";

const guid = z.guid("must be a GUID");

/** `EntityReference:http://...` → `EntityReference`. */
function typeName(tag: string): string {
  const colon = tag.indexOf(":");
  return colon === -1 ? tag : tag.slice(0, colon);
}

const entityReferenceSchema = z
  .looseObject({
    Id: guid,
    LogicalName: z.string().min(1, "must name a table"),
    Name: z.string().nullish(),
  })
  .transform(
    (raw): SdkEntityReference => ({
      kind: "EntityReference",
      id: raw.Id,
      logicalName: raw.LogicalName,
      name: raw.Name ?? null,
    }),
  );

const numericValueSchema = z.looseObject({ Value: z.number("must be a number") });

/** A `[{ key, value }]` array as a record; a later duplicate key wins, as in a .NET collection. */
function keyValueArray<T>(valueSchema: z.ZodType<T>) {
  return z.array(z.looseObject({ key: z.string(), value: valueSchema })).transform((pairs) => {
    const record: Record<string, T> = {};
    for (const pair of pairs) record[pair.key] = pair.value;
    return record;
  });
}

export const sdkValueSchema: z.ZodType<SdkValue> = z.lazy(() =>
  z.unknown().transform((raw, ctx): SdkValue => {
    if (raw === null || typeof raw === "number" || typeof raw === "boolean") return raw;
    if (typeof raw === "string") {
      const date = parseWcfDate(raw);
      if (date === undefined) return raw;
      // A date beyond ±8.64e15 ms is no date (ECMAScript's time range); refused here, not later as a RangeError.
      if (Number.isNaN(date.getTime())) {
        ctx.addIssue({
          code: "custom",
          message: `${raw} is not a date: its milliseconds are beyond ±8640000000000000`,
          input: raw,
        });
        return z.NEVER;
      }
      return date;
    }
    const parsed = taggedValue(raw);
    if (parsed.success) return parsed.data;
    for (const issue of parsed.error.issues)
      ctx.addIssue({ code: "custom", message: issue.message, path: issue.path, input: raw });
    return z.NEVER;
  }),
);

type Parsed = { success: true; data: SdkValue } | { success: false; error: z.ZodError };

function taggedValue(raw: unknown): Parsed {
  if (Array.isArray(raw)) return z.array(sdkValueSchema).safeParse(raw);
  if (typeof raw !== "object" || raw === null) {
    return z.never(`unsupported value of type ${typeof raw}`).safeParse(raw);
  }
  const tag = (raw as Record<string, unknown>).__type;
  if (typeof tag !== "string") {
    return z
      .never('an object value must carry a "__type" tag (Entity, EntityReference, OptionSetValue, Money, ...)')
      .safeParse(raw);
  }
  switch (typeName(tag)) {
    case "EntityReference":
      return entityReferenceSchema.safeParse(raw);
    case "OptionSetValue":
      return numericValueSchema.transform((v): SdkValue => ({ kind: "OptionSetValue", value: v.Value })).safeParse(raw);
    case "Money":
      return numericValueSchema.transform((v): SdkValue => ({ kind: "Money", value: v.Value })).safeParse(raw);
    case "Entity":
      return entitySchema.safeParse(raw);
    case "EntityCollection":
      return entityCollectionSchema.safeParse(raw);
    default:
      return { success: true, data: { kind: "Opaque", type: typeName(tag) } };
  }
}

export const entitySchema: z.ZodType<SdkEntity> = z.lazy(() =>
  z
    .looseObject({
      LogicalName: z.string().min(1, "must name a table"),
      Id: guid,
      Attributes: keyValueArray(sdkValueSchema),
      FormattedValues: keyValueArray(z.string()).optional(),
      KeyAttributes: keyValueArray(sdkValueSchema).optional(),
      RowVersion: z.string().nullish(),
    })
    .transform(
      (raw): SdkEntity => ({
        kind: "Entity",
        logicalName: raw.LogicalName,
        id: raw.Id,
        attributes: raw.Attributes,
        formattedValues: raw.FormattedValues ?? {},
        keyAttributes: raw.KeyAttributes ?? {},
        rowVersion: raw.RowVersion ?? null,
      }),
    ),
);

const entityCollectionSchema = z
  .looseObject({ EntityName: z.string().nullish(), Entities: z.array(entitySchema) })
  .transform(
    (raw): SdkEntityCollection => ({
      kind: "EntityCollection",
      entityName: raw.EntityName ?? null,
      entities: raw.Entities,
    }),
  );

/** Pipeline stages (Learn: "Event execution pipeline"): 10, 20, 40 for registered steps; 30 core. */
const stageSchema = z.union([z.literal(10), z.literal(20), z.literal(30), z.literal(40), z.literal(50)], {
  error: "must be a pipeline stage: 10 (PreValidation), 20 (PreOperation), 40 (PostOperation)",
});

export const remoteExecutionContextSchema = z.looseObject({
  MessageName: z.string().min(1, "must name the message (Create, Update, Delete, ...)"),
  PrimaryEntityName: z.string().min(1, "must name the table"),
  PrimaryEntityId: guid,
  Stage: stageSchema,
  Mode: z.union([z.literal(0), z.literal(1)], { error: "must be 0 (synchronous) or 1 (asynchronous)" }),
  Depth: z.number().int().min(1, "must be 1 or more"),
  UserId: guid,
  InitiatingUserId: guid,
  CorrelationId: guid,
  OrganizationName: z.string(),
  OrganizationId: guid.optional(),
  RequestId: guid.nullish(),
  // Absent when Dataverse trimmed the context for size (over 256 KB).
  InputParameters: keyValueArray(sdkValueSchema).optional(),
  OutputParameters: keyValueArray(sdkValueSchema).optional(),
  PreEntityImages: keyValueArray(entitySchema).optional(),
  PostEntityImages: keyValueArray(entitySchema).optional(),
  SharedVariables: keyValueArray(sdkValueSchema).optional(),
});

export type RemoteExecutionContextJson = z.input<typeof remoteExecutionContextSchema>;
export type ParsedRemoteExecutionContext = z.output<typeof remoteExecutionContextSchema>;
