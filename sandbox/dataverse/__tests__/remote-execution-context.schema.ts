/**
 * The RemoteExecutionContext JSON a webhook receives, as a zod schema: what the emulator's builder
 * must produce and what a parser in `plugins-ts` may rely on. Shapes follow the sample body of
 * Learn's "Use WebHooks to create external handlers for server events".
 */
import { z } from "zod";

const CONTRACTS = "http://schemas.microsoft.com/xrm/2011/Contracts";
const guid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
export const wcfDate = z.string().regex(/^\/Date\(-?\d+\)\/$/);

const keyValues = <T extends z.ZodType>(value: T) => z.array(z.strictObject({ key: z.string(), value }));

export const entityReferenceSchema = z.strictObject({
  __type: z.literal(`EntityReference:${CONTRACTS}`),
  Id: guid,
  KeyAttributes: keyValues(z.unknown()),
  LogicalName: z.string(),
  Name: z.string().nullable(),
  RowVersion: z.string().nullable(),
});

const optionSetValue = z.strictObject({ __type: z.literal(`OptionSetValue:${CONTRACTS}`), Value: z.number().int() });
const money = z.strictObject({ __type: z.literal(`Money:${CONTRACTS}`), Value: z.number() });

export const attributeValueSchema = z.union([
  z.string(),
  z.number(),
  z.boolean(),
  z.null(),
  entityReferenceSchema,
  optionSetValue,
  money,
]);

const entityFields = {
  Attributes: keyValues(attributeValueSchema),
  EntityState: z.null(),
  FormattedValues: keyValues(z.string()),
  Id: guid,
  KeyAttributes: keyValues(z.union([z.string(), z.number()])),
  LogicalName: z.string(),
  RelatedEntities: z.array(z.unknown()),
  RowVersion: z.string().nullable(),
};

/** The Target of InputParameters carries `__type`; entity images do not. */
export const targetEntitySchema = z.strictObject({ __type: z.literal(`Entity:${CONTRACTS}`), ...entityFields });
export const imageEntitySchema = z.strictObject(entityFields);

/** A bulk message's Targets: an EntityCollection whose entities carry no `__type` (their declared type). */
export const entityCollectionSchema = z.strictObject({
  __type: z.literal(`EntityCollection:${CONTRACTS}`),
  Entities: z.array(imageEntitySchema),
  EntityName: z.string(),
  MinActiveRowVersion: z.string(),
  MoreRecords: z.boolean(),
  PagingCookie: z.string().nullable(),
  TotalRecordCount: z.number().int(),
  TotalRecordCountLimitExceeded: z.boolean(),
});

export interface RemoteExecutionContextShape {
  BusinessUnitId: string;
  CorrelationId: string;
  Depth: number;
  InitiatingUserId: string;
  InputParameters: { key: string; value: unknown }[];
  IsExecutingOffline: boolean;
  IsInTransaction: boolean;
  IsOfflinePlayback: boolean;
  IsolationMode: number;
  MessageName: "Create" | "Update" | "Delete" | "CreateMultiple" | "UpdateMultiple";
  Mode: number;
  OperationCreatedOn: string;
  OperationId: string;
  OrganizationId: string;
  OrganizationName: string;
  OutputParameters: { key: string; value: unknown }[];
  OwningExtension: {
    Id: string;
    KeyAttributes: unknown[];
    LogicalName: string;
    Name: string | null;
    RowVersion: string | null;
  };
  ParentContext: RemoteExecutionContextShape | null;
  PostEntityImages: { key: string; value: z.infer<typeof imageEntitySchema> }[];
  PreEntityImages: { key: string; value: z.infer<typeof imageEntitySchema> }[];
  /** Bulk messages: one image collection per row of Targets. */
  PrimaryEntityId: string;
  PrimaryEntityName: string;
  RequestId: null;
  SecondaryEntityName: string;
  SharedVariables: { key: string; value: unknown }[];
  Stage: number;
  UserId: string;
}

export const remoteExecutionContextSchema: z.ZodType<RemoteExecutionContextShape> = z.lazy(() =>
  z.strictObject({
    BusinessUnitId: guid,
    CorrelationId: z.string().min(1),
    Depth: z.number().int().min(1),
    InitiatingUserId: guid,
    InputParameters: keyValues(z.union([targetEntitySchema, entityReferenceSchema, entityCollectionSchema])),
    IsExecutingOffline: z.boolean(),
    IsInTransaction: z.boolean(),
    IsOfflinePlayback: z.boolean(),
    IsolationMode: z.number().int(),
    MessageName: z.enum(["Create", "Update", "Delete", "CreateMultiple", "UpdateMultiple"]),
    Mode: z.union([z.literal(0), z.literal(1)]),
    OperationCreatedOn: wcfDate,
    OperationId: guid,
    OrganizationId: guid,
    OrganizationName: z.string(),
    OutputParameters: keyValues(z.unknown()),
    OwningExtension: z.strictObject({
      Id: guid,
      KeyAttributes: z.array(z.unknown()),
      LogicalName: z.literal("sdkmessageprocessingstep"),
      Name: z.string().nullable(),
      RowVersion: z.string().nullable(),
    }),
    ParentContext: remoteExecutionContextSchema.nullable(),
    PostEntityImages: keyValues(imageEntitySchema),
    PreEntityImages: keyValues(imageEntitySchema),
    PrimaryEntityId: guid,
    PrimaryEntityName: z.string(),
    RequestId: z.null(),
    SecondaryEntityName: z.string(),
    SharedVariables: keyValues(z.unknown()),
    Stage: z.union([z.literal(10), z.literal(20), z.literal(40)]),
    UserId: guid,
  }),
);

/** Parses a body a webhook received; throws with zod's description of what is wrong. */
export function parseRemoteExecutionContext(body: unknown): RemoteExecutionContextShape {
  return remoteExecutionContextSchema.parse(body);
}
