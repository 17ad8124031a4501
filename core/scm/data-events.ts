/**
 * SCM (finance and operations) data events, as an external HTTPS endpoint receives them.
 *
 * Facts (UO = MicrosoftDocs/dynamics-365-unified-operations-public, PA = MicrosoftDocs/powerapps-docs):
 * - Data events are the create, update and delete events of OData data entities, activated in the
 *   data event catalog; they need the Power Platform integration, and "the payload of the event
 *   contains the corresponding entity record" (UO `articles/fin-ops-core/dev-itpro/business-events/data-events.md`).
 * - The payload is a Dataverse `RemoteExecutionContext`; "the entity fields will be included in the
 *   schema in the Target and PreImage properties of the InputParameters" (same page).
 * - An HTTPS endpoint is a Dataverse webhook: events are "proxied through Dataverse to the endpoint"
 *   (UO `business-events/managing-business-event-endpoints.md`), so the endpoint gets what any
 *   Dataverse webhook gets: a POST of the RemoteExecutionContext JSON, after the change committed.
 * - The messages are `OnExternalCreated`, `OnExternalUpdated` (Target, PreImage, ChangedFields) and
 *   `OnExternalDeleted` on the virtual table; steps on them run PostOperation and asynchronously
 *   (PA `developer/data-platform/virtual-entities/enable-virtual-table-event-support.md`, UO
 *   `business-events/how-to/how-to-dataverse-events.md`).
 * - The virtual table is named after the entity's physical name; columns are `mserp_<field>` in
 *   lower case (UO `power-platform/entity-modeling.md`: "uses the physical name of the Finance and
 *   Operations entity"; the Human Resources entity pages list `mserp_dataareaid` and the entity set
 *   `mserp_<physical name>entities`). Its primary key is a GUID built from the entity id and the
 *   root data source's RecId (entity-modeling.md), so it is not an OData key: a consumer reads the
 *   row again by its natural key fields.
 * - A null datetime is left out of the payload (data-events.md); a change to a virtual field raises
 *   no event.
 *
 * **Unconfirmed**, kept here and nowhere else:
 * - which entity fields the Target of an update and of a delete carries (PA's notification API says
 *   "only those properties which have changed" for an update and only the id for a delete; F&O's
 *   data-events page says the payload contains the entity record). Consumers here rely on the key
 *   fields only and read everything else by key, so either reading works; the emulator sends the
 *   whole record.
 * - the name of the primary key column (`mserp_<physical name>id`, lower case).
 */
import { scmEntities } from "./entities";
import type { ScmEntityDefinition } from "./schema";

export const SCM_DATA_EVENT_MESSAGES = {
  Create: "OnExternalCreated",
  Update: "OnExternalUpdated",
  Delete: "OnExternalDeleted",
} as const;

export type ScmDataEventOperation = keyof typeof SCM_DATA_EVENT_MESSAGES;
export type ScmDataEventMessage = (typeof SCM_DATA_EVENT_MESSAGES)[ScmDataEventOperation];

/** PostOperation, asynchronous: the only registration F&O data events support. */
export const SCM_DATA_EVENT_STAGE = 40;
export const SCM_DATA_EVENT_MODE = 1;

const VIRTUAL_PREFIX = "mserp_";

/** `InventWarehouseEntity` → `mserp_inventwarehouseentity`. */
export function virtualTableName(entity: ScmEntityDefinition): string {
  return `${VIRTUAL_PREFIX}${entity.physicalName.toLowerCase()}`;
}

/** `WarehouseName` → `mserp_warehousename`. */
export function virtualColumnName(field: string): string {
  return `${VIRTUAL_PREFIX}${field.toLowerCase()}`;
}

/** The GUID primary key column of the virtual table (**unconfirmed** name). */
export function virtualPrimaryKeyName(entity: ScmEntityDefinition): string {
  return `${virtualTableName(entity)}id`;
}

/** The data entity a virtual table stands for. */
export function scmEntityForVirtualTable(logicalName: string): ScmEntityDefinition | undefined {
  const name = logicalName.toLowerCase();
  return scmEntities.find((entity) => virtualTableName(entity) === name);
}

export function operationOfMessage(message: string): ScmDataEventOperation | undefined {
  const found = Object.entries(SCM_DATA_EVENT_MESSAGES).find(([, name]) => name === message);
  return found === undefined ? undefined : (found[0] as ScmDataEventOperation);
}

/** The entity's field behind a virtual column (`mserp_warehouseid` → `WarehouseId`). */
export function scmFieldOfVirtualColumn(entity: ScmEntityDefinition, column: string): string | undefined {
  const wanted = column.toLowerCase();
  return Object.keys(entity.fields).find((field) => virtualColumnName(field) === wanted);
}

/**
 * What a consumer takes from a data event: which row of which entity changed, and how. The row is
 * named by its natural key; the current values are read from SCM by that key, which also makes a
 * repeated, reordered or late event harmless (the row read is always SCM's latest).
 */
export interface ScmDataChange {
  readonly operation: ScmDataEventOperation;
  readonly entity: ScmEntityDefinition;
  /** The key fields, `dataAreaId` included, by SCM field name. */
  readonly key: Readonly<Record<string, string>>;
  /** The fields the event carried, by SCM field name (may be partial, see above). */
  readonly fields: Readonly<Record<string, string | number | boolean | null>>;
  /** The event's own id (RequestId, else CorrelationId): for logs, not for ordering. */
  readonly eventId: string;
  /** When SCM raised the event (OperationCreatedOn), when present. */
  readonly raisedOn?: Date;
}
