/**
 * Reads an SCM data event (core/scm/data-events.ts) from the RemoteExecutionContext an HTTPS
 * endpoint receives: which entity (the virtual table), which operation (the message), and the row's
 * natural key from the Target's (else the PreImage's) `mserp_` columns. Other values are taken as
 * they come but never trusted for the row's state: the consumer reads the row by key.
 *
 * When an event carries no key (a delete whose Target holds only the virtual table's GUID), the
 * key is looked up among the GUIDs this host has seen with keys before (`ScmRowIdMemory`, kept in the host's state store).
 */
import {
  type ScmDataChange,
  operationOfMessage,
  scmEntityForVirtualTable,
  scmFieldOfVirtualColumn,
  SCM_DATA_EVENT_MESSAGES,
} from "@fsi/core/scm/data-events";
import type { ScmEntityDefinition } from "@fsi/core/scm/schema";
import { formatZodError } from "@fsi/core/validation/format-zod-error";
import { remoteExecutionContextSchema } from "../context/remote-execution-context-schema";
import { type SdkEntity, type SdkValue, parseWcfDate } from "../context/sdk-values";

/** The body is not an SCM data event of the documented shape (answered with 400). */
export class InvalidDataEventError extends Error {
  override readonly name = "InvalidDataEventError";
  readonly code = "INVALID_DATA_EVENT";
}

type FieldValue = string | number | boolean | null;

/** The SCM virtual-table GUIDs seen in data events, with their natural keys (the host's state store). */
export interface ScmRowIdMemory {
  remember(collection: string, id: string, key: Readonly<Record<string, string>>): Promise<void>;
  keyOf(collection: string, id: string): Promise<Record<string, string> | undefined>;
}

/** Parses an event that names its row's key (a keyless one is refused). */
export function parseScmDataEvent(json: unknown): ScmDataChange {
  const event = readDataEvent(json);
  return withKey(event, event.key);
}

/** Parses an event; a keyless one is resolved from the GUIDs seen before, and every key seen is remembered. */
export async function parseScmDataEventWithIds(json: unknown, rowIds: ScmRowIdMemory): Promise<ScmDataChange> {
  const event = readDataEvent(json);
  const key = event.key ?? (await rowIds.keyOf(event.entity.collection, event.id));
  const change = withKey(event, key);
  await rowIds.remember(event.entity.collection, event.id, change.key);
  return change;
}

interface ReadEvent {
  readonly context: ReturnType<typeof remoteExecutionContextSchema.parse>;
  readonly operation: ScmDataChange["operation"];
  readonly entity: ScmEntityDefinition;
  readonly id: string;
  readonly fields: Record<string, FieldValue>;
  readonly key: Record<string, string> | undefined;
}

function readDataEvent(json: unknown): ReadEvent {
  const parsed = remoteExecutionContextSchema.safeParse(json);
  if (!parsed.success) throw new InvalidDataEventError(formatZodError(parsed.error, "SCM data event"));
  const context = parsed.data;
  const operation = operationOfMessage(context.MessageName);
  if (operation === undefined) {
    throw new InvalidDataEventError(
      `SCM data event: '${context.MessageName}' is not a data event message; expected ${Object.values(SCM_DATA_EVENT_MESSAGES).join(", ")}.`,
    );
  }
  const entity = scmEntityForVirtualTable(context.PrimaryEntityName);
  if (entity === undefined) {
    throw new InvalidDataEventError(
      `SCM data event: no SCM entity is known for the virtual table '${context.PrimaryEntityName}'; activate data events only for the mapped entities.`,
    );
  }
  const target = context.InputParameters?.Target;
  const preImage = Object.values(context.PreEntityImages ?? {})[0];
  const fields = { ...fieldsOf(entity, preImage), ...fieldsOf(entity, isEntity(target) ? target : undefined) };
  const id = isEntity(target) ? target.id : context.PrimaryEntityId;
  return { context, operation, entity, id, fields, key: keyOf(entity, fields) };
}

function withKey(
  { context, operation, entity, id, fields }: ReadEvent,
  key: Record<string, string> | undefined,
): ScmDataChange {
  if (key === undefined) {
    throw new InvalidDataEventError(
      `SCM data event: the ${context.MessageName} of ${context.PrimaryEntityName} ${id} names none of the key fields ${entity.keys.join(", ")}, and this row was never seen with them; run the catch-up pass (fsi sync catch-up) to reconcile.`,
    );
  }
  const eventId = context.RequestId ?? context.CorrelationId;
  const raisedOn =
    typeof context.OperationCreatedOn === "string" ? parseWcfDate(context.OperationCreatedOn) : undefined;
  return {
    operation,
    entity,
    key,
    fields,
    eventId,
    ...(raisedOn === undefined || Number.isNaN(raisedOn.getTime()) ? {} : { raisedOn }),
  };
}

function isEntity(value: SdkValue | undefined): value is SdkEntity {
  return (
    typeof value === "object" &&
    value !== null &&
    !(value instanceof Date) &&
    "kind" in value &&
    value.kind === "Entity"
  );
}

/** The entity fields an image carries, by SCM field name; option set values (unstable integers) are left out. */
function fieldsOf(entity: ScmEntityDefinition, image: SdkEntity | undefined): Record<string, FieldValue> {
  const fields: Record<string, FieldValue> = {};
  for (const [column, value] of Object.entries(image?.attributes ?? {})) {
    const field = scmFieldOfVirtualColumn(entity, column);
    if (field === undefined) continue;
    if (value === null || typeof value === "string" || typeof value === "number" || typeof value === "boolean")
      fields[field] = value;
    else if (value instanceof Date) fields[field] = `${value.toISOString().slice(0, 19)}Z`;
  }
  return fields;
}

function keyOf(
  entity: ScmEntityDefinition,
  fields: Readonly<Record<string, FieldValue>>,
): Record<string, string> | undefined {
  const key: Record<string, string> = {};
  for (const field of entity.keys) {
    const value = fields[field];
    if (typeof value !== "string" || value === "") return undefined;
    key[field] = value;
  }
  return key;
}
