/**
 * Builds the RemoteExecutionContext a webhook step receives, serialized the way Dataverse's data
 * contract serializer writes it (Learn, "Use WebHooks to create external handlers for server
 * events", sample body): properties in alphabetical order, collections as `{"key","value"}` arrays,
 * typed values tagged with `__type`, dates as `/Date(ms)/`.
 */
import type { ColumnDefinition, TableDefinition } from "@fsi/core";
import { isLookupValue, type AttributeValue, type Row } from "../storage/values";
import type { StepMessageName } from "./registrations";

const CONTRACTS = "http://schemas.microsoft.com/xrm/2011/Contracts";

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type KeyValue = { key: string; value: JsonValue };

export interface EntityInput {
  readonly table: TableDefinition;
  readonly id: string;
  readonly attributes: Row;
  /** Labels of choice and yes/no values; Dataverse sends them with images, not with the Target. */
  readonly withFormattedValues: boolean;
  /** Alternate key values when the request addressed the row by key (an upsert by key). */
  readonly keyAttributes?: Readonly<Record<string, string | number>>;
  /** Primary names of referenced rows, by id, for EntityReference.Name. */
  readonly referenceNames?: ReadonlyMap<string, string>;
}

export type TargetInput =
  | { readonly kind: "entity"; readonly entity: EntityInput }
  | { readonly kind: "reference"; readonly logicalName: string; readonly id: string }
  /** A bulk message's `Targets`: an EntityCollection of every row of the operation. */
  | { readonly kind: "collection"; readonly entityName: string; readonly entities: readonly EntityInput[] };

export interface ExecutionContextInput {
  readonly messageName: StepMessageName;
  readonly stage: number;
  readonly mode: number;
  readonly primaryEntityName: string;
  readonly primaryEntityId: string;
  readonly target: TargetInput;
  readonly preImages: readonly (readonly [string, EntityInput])[];
  readonly postImages: readonly (readonly [string, EntityInput])[];
  readonly outputParameters: readonly (readonly [string, JsonValue])[];
  readonly depth: number;
  readonly correlationId: string;
  readonly userId: string;
  readonly initiatingUserId: string;
  readonly businessUnitId: string;
  readonly organizationId: string;
  readonly organizationName: string;
  readonly operationId: string;
  readonly operationCreatedOn: Date;
  readonly isInTransaction: boolean;
  readonly owningExtension: { readonly id: string; readonly name: string };
  readonly parentContext: RemoteExecutionContext | null;
  /** SharedVariables: the request's `tag` parameter, when it had one; default none. */
  readonly sharedVariables?: readonly (readonly [string, JsonValue])[];
}

export type RemoteExecutionContext = { [key: string]: JsonValue };

export const EMPTY_GUID = "00000000-0000-0000-0000-000000000000";

export function wcfDate(value: Date | string): string {
  const time =
    typeof value === "string" ? Date.parse(value.length === 10 ? `${value}T00:00:00Z` : value) : value.getTime();
  return `/Date(${time})/`;
}

export function entityReference(logicalName: string, id: string, name: string | null = null): JsonValue {
  return {
    __type: `EntityReference:${CONTRACTS}`,
    Id: id,
    KeyAttributes: [],
    LogicalName: logicalName,
    Name: name,
    RowVersion: null,
  };
}

function attributeValue(
  column: ColumnDefinition,
  value: AttributeValue,
  names?: ReadonlyMap<string, string>,
): JsonValue {
  if (value === null) return null;
  if (isLookupValue(value)) return entityReference(value.logicalName, value.id, names?.get(value.id) ?? null);
  switch (column.type) {
    case "money":
      return { __type: `Money:${CONTRACTS}`, Value: value };
    case "choice":
    case "state":
    case "status":
      return { __type: `OptionSetValue:${CONTRACTS}`, Value: value };
    case "datetime":
      return typeof value === "string" ? wcfDate(value) : value;
    default:
      return value;
  }
}

function formattedValue(column: ColumnDefinition, value: AttributeValue): string | undefined {
  if (value === null || isLookupValue(value)) return undefined;
  if ((column.type === "choice" || column.type === "state" || column.type === "status") && typeof value === "number") {
    return column.options.find((option) => option.value === value)?.label;
  }
  if (column.type === "boolean") return value === true ? "Yes" : "No";
  return undefined;
}

/** An Entity as the data contract serializer writes it; `typed` adds the `__type` tag the Target carries. */
export function serializeEntity(input: EntityInput, typed: boolean): JsonValue {
  const attributes: KeyValue[] = [];
  const formatted: KeyValue[] = [];
  for (const [name, value] of Object.entries(input.attributes)) {
    const column = input.table.columns[name];
    if (column === undefined || column.secret) continue;
    attributes.push({ key: name, value: attributeValue(column, value, input.referenceNames) });
    const label = input.withFormattedValues ? formattedValue(column, value) : undefined;
    if (label !== undefined) formatted.push({ key: name, value: label });
  }
  const entity: { [key: string]: JsonValue } = typed ? { __type: `Entity:${CONTRACTS}` } : {};
  entity.Attributes = attributes;
  entity.EntityState = null;
  entity.FormattedValues = formatted;
  entity.Id = input.id;
  entity.KeyAttributes = Object.entries(input.keyAttributes ?? {}).map(([key, value]) => ({ key, value }));
  entity.LogicalName = input.table.logicalName;
  entity.RelatedEntities = [];
  const version = input.attributes.versionnumber;
  entity.RowVersion = typeof version === "number" ? String(version) : null;
  return entity;
}

/** An EntityCollection as the data contract serializer writes it (its entities untyped: the declared type). */
export function serializeEntityCollection(entityName: string, entities: readonly EntityInput[]): JsonValue {
  return {
    __type: `EntityCollection:${CONTRACTS}`,
    Entities: entities.map((entity) => serializeEntity(entity, false)),
    EntityName: entityName,
    MinActiveRowVersion: "-1",
    MoreRecords: false,
    PagingCookie: null,
    TotalRecordCount: -1,
    TotalRecordCountLimitExceeded: false,
  };
}

function serializeImages(images: readonly (readonly [string, EntityInput])[]): JsonValue {
  return images.map(([key, entity]) => ({ key, value: serializeEntity(entity, false) }));
}

function inputParameter(target: TargetInput): KeyValue {
  switch (target.kind) {
    case "entity":
      return { key: "Target", value: serializeEntity(target.entity, true) };
    case "reference":
      return { key: "Target", value: entityReference(target.logicalName, target.id) };
    case "collection":
      return { key: "Targets", value: serializeEntityCollection(target.entityName, target.entities) };
  }
}

export function buildRemoteExecutionContext(input: ExecutionContextInput): RemoteExecutionContext {
  const context: RemoteExecutionContext = {
    BusinessUnitId: input.businessUnitId,
    CorrelationId: input.correlationId,
    Depth: input.depth,
    InitiatingUserId: input.initiatingUserId,
    InputParameters: [inputParameter(input.target)],
    IsExecutingOffline: false,
    IsInTransaction: input.isInTransaction,
    IsOfflinePlayback: false,
    IsolationMode: 1,
    MessageName: input.messageName,
    Mode: input.mode,
    OperationCreatedOn: wcfDate(input.operationCreatedOn),
    OperationId: input.operationId,
    OrganizationId: input.organizationId,
    OrganizationName: input.organizationName,
    OutputParameters: input.outputParameters.map(([key, value]) => ({ key, value })),
    OwningExtension: {
      Id: input.owningExtension.id,
      KeyAttributes: [],
      LogicalName: "sdkmessageprocessingstep",
      Name: input.owningExtension.name,
      RowVersion: null,
    },
    ParentContext: input.parentContext,
    PostEntityImages: serializeImages(input.postImages),
    PreEntityImages: serializeImages(input.preImages),
    PrimaryEntityId: input.primaryEntityId,
    PrimaryEntityName: input.primaryEntityName,
    RequestId: null,
    SecondaryEntityName: "none",
    SharedVariables: (input.sharedVariables ?? []).map(([key, value]) => ({ key, value })),
    Stage: input.stage,
    UserId: input.userId,
  };
  return context;
}
