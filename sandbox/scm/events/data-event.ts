/**
 * A data event as SCM's HTTPS endpoint (a Dataverse webhook, "proxied through Dataverse") receives
 * it: the RemoteExecutionContext of `OnExternalCreated` / `OnExternalUpdated` / `OnExternalDeleted`
 * on the entity's virtual table, PostOperation and asynchronous, the entity record in the Target
 * (and, on an update, the row before the change in the PreImage). Facts and what is unconfirmed:
 * core/scm/data-events.ts. Serialized the way Dataverse's data contract serializer writes a webhook
 * body (typed values tagged with `__type`, collections as `{ key, value }` arrays, `/Date(ms)/`).
 */
import { createHash, randomUUID } from "node:crypto";
import {
  SCM_DATA_EVENT_MESSAGES,
  SCM_DATA_EVENT_MODE,
  SCM_DATA_EVENT_STAGE,
  type ScmDataEventOperation,
  type ScmEntityDefinition,
  type ScmKey,
  virtualColumnName,
  virtualPrimaryKeyName,
  virtualTableName,
} from "@fsi/core";
import { EMPTY_DATE, type StoredRow } from "../store/fields";

const CONTRACTS = "http://schemas.microsoft.com/xrm/2011/Contracts";

/**
 * F&O enums become global option sets whose integer values "aren't guaranteed to be stable" (UO
 * `power-platform/entity-modeling.md`); 200000000 + the symbol's position is **unconfirmed**.
 */
const ENUM_OPTION_BASE = 200_000_000;

/** The Dataverse organization the SCM environment is linked to, as the webhook headers name it. */
export const LINKED_ORGANIZATION = { id: "5c6d6f1e-8b5a-4f0e-9d1c-3a7e2b4c9f10", name: "sandbox" } as const;
/** The Dataverse user SCM's data events are raised as (the linked integration's application user). */
export const DATA_EVENT_USER_ID = "7f0b1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d";

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

export interface DataEventInput {
  readonly entity: ScmEntityDefinition;
  readonly operation: ScmDataEventOperation;
  readonly key: ScmKey;
  /** The row after the change; the row as it was for a delete. */
  readonly row: StoredRow;
  /** Update: the row before the change. */
  readonly before?: StoredRow;
  /** Update: the fields whose value changed. */
  readonly changedFields: readonly string[];
  readonly raisedOn: Date;
}

export interface DataEventBody {
  readonly MessageName: string;
  readonly PrimaryEntityName: string;
  readonly PrimaryEntityId: string;
  readonly OrganizationName: string;
  readonly CorrelationId: string;
  readonly [property: string]: Json;
}

/**
 * The virtual table's GUID: F&O builds it from the entity id and the root data source's RecId
 * (entity-modeling.md). The emulator has no RecIds, so it derives a stable GUID from the entity and
 * the key: the same row always has the same id, as in F&O.
 */
export function virtualRowId(entity: ScmEntityDefinition, key: ScmKey): string {
  const hash = createHash("sha256")
    .update(`${entity.physicalName}|${entity.keys.map((field) => (key[field] ?? "").toLowerCase()).join("|")}`)
    .digest("hex");
  return `${hash.slice(0, 8)}-${hash.slice(8, 12)}-${hash.slice(12, 16)}-${hash.slice(16, 20)}-${hash.slice(20, 32)}`;
}

export function buildDataEvent(input: DataEventInput): DataEventBody {
  const { entity, key } = input;
  const id = virtualRowId(entity, key);
  const target = serializeRow(entity, id, input.row, true);
  const inputParameters: Json[] = [{ key: "Target", value: target }];
  if (input.operation === "Update")
    inputParameters.push({ key: "ChangedFields", value: input.changedFields.map(virtualColumnName) });
  const preImages: Json[] =
    input.before === undefined ? [] : [{ key: "PreImage", value: serializeRow(entity, id, input.before, false) }];
  return {
    BusinessUnitId: "00000000-0000-0000-0000-000000000000",
    CorrelationId: randomUUID(),
    Depth: 1,
    InitiatingUserAzureActiveDirectoryObjectId: "00000000-0000-0000-0000-000000000000",
    InitiatingUserId: DATA_EVENT_USER_ID,
    InputParameters: inputParameters,
    IsExecutingOffline: false,
    IsInTransaction: false,
    IsOfflinePlayback: false,
    IsolationMode: 1,
    MessageName: SCM_DATA_EVENT_MESSAGES[input.operation],
    Mode: SCM_DATA_EVENT_MODE,
    OperationCreatedOn: `/Date(${input.raisedOn.getTime()})/`,
    OperationId: randomUUID(),
    OrganizationId: LINKED_ORGANIZATION.id,
    OrganizationName: LINKED_ORGANIZATION.name,
    OutputParameters: [],
    OwningExtension: {
      Id: "00000000-0000-0000-0000-000000000000",
      KeyAttributes: [],
      LogicalName: "sdkmessageprocessingstep",
      Name: null,
      RowVersion: null,
    },
    ParentContext: null,
    PostEntityImages: [],
    PreEntityImages: preImages,
    PrimaryEntityId: id,
    PrimaryEntityName: virtualTableName(entity),
    RequestId: randomUUID(),
    SecondaryEntityName: "none",
    SharedVariables: [],
    Stage: SCM_DATA_EVENT_STAGE,
    UserAzureActiveDirectoryObjectId: "00000000-0000-0000-0000-000000000000",
    UserId: DATA_EVENT_USER_ID,
  };
}

function serializeRow(entity: ScmEntityDefinition, id: string, row: StoredRow, typed: boolean): Json {
  const attributes: Json[] = [{ key: virtualPrimaryKeyName(entity), value: id }];
  for (const [name, field] of Object.entries(entity.fields)) {
    const value = row[name];
    if (value === undefined) continue;
    if (field.type === "DateTime") {
      // "Any datetime properties ... that have a NULL value will be removed" (data-events.md).
      if (value === EMPTY_DATE || typeof value !== "string") continue;
      attributes.push({ key: virtualColumnName(name), value: `/Date(${Date.parse(value)})/` });
      continue;
    }
    if (field.type === "Enum") {
      const position = field.values.indexOf(String(value));
      attributes.push({
        key: virtualColumnName(name),
        value: { __type: `OptionSetValue:${CONTRACTS}`, Value: ENUM_OPTION_BASE + Math.max(0, position) },
      });
      continue;
    }
    attributes.push({ key: virtualColumnName(name), value });
  }
  const entityJson: { [key: string]: Json } = typed ? { __type: `Entity:${CONTRACTS}` } : {};
  entityJson.Attributes = attributes;
  entityJson.EntityState = null;
  entityJson.FormattedValues = [];
  entityJson.Id = id;
  entityJson.KeyAttributes = [];
  entityJson.LogicalName = virtualTableName(entity);
  entityJson.RelatedEntities = [];
  entityJson.RowVersion = null;
  return entityJson;
}
