/**
 * Contract of the business events SCM sends for every committed create, update and delete of a
 * data entity row, and of the subscriptions that receive them.
 *
 * The envelope follows finance and operations business events (fields `BusinessEventId`,
 * `ControlNumber`, `EventId`, `EventTime` as `/Date(ms)/`, `MajorVersion`, `MinorVersion`,
 * `LegalEntity`; learn.microsoft.com "Business events overview"); the payload fields after it are
 * ours: which row changed, how, and who changed it, so the integration can suppress echoes of its
 * own writes.
 */
import { z } from "zod";
import { scmEntities, scmEntityByCollection } from "./entities";
import type { ScmEntityDefinition } from "./schema";
import { scmFieldValueSchema } from "./validation-service";

/** Request header naming the user a write is made as; it becomes the event's `InitiatingUser`. */
export const SCM_INITIATING_USER_HEADER = "x-fsi-user";
export const SCM_DEFAULT_INITIATING_USER = "Admin";

export const SCM_BUSINESS_EVENT_MAJOR_VERSION = 1;
export const SCM_BUSINESS_EVENT_MINOR_VERSION = 0;

export const scmBusinessEventOperations = ["Create", "Update", "Delete"] as const;
export type ScmBusinessEventOperation = (typeof scmBusinessEventOperations)[number];

export const scmBusinessEventSchema = z.object({
  /** `Fsi<EntityName>ChangedBusinessEvent`, see `businessEventIdFor`. */
  BusinessEventId: z.string(),
  /** Increases by one for every event SCM raises (a rolled-back write leaves a gap, never a repeat). */
  ControlNumber: z.number().int().positive(),
  EventId: z.guid(),
  /** WCF JSON date, as F&O sends it: `/Date(1714550400000)/` (milliseconds since 1970, UTC). */
  EventTime: z.string().regex(/^\/Date\(-?\d+\)\/$/, "must be /Date(<milliseconds>)/"),
  MajorVersion: z.number().int(),
  MinorVersion: z.number().int(),
  /** The row's company (`dataAreaId`). */
  LegalEntity: z.string(),
  /** Public entity name (`Warehouse`), `ScmEntityDefinition.entityName`. */
  EntityName: z.string(),
  Operation: z.enum(scmBusinessEventOperations),
  /** The row's key fields, `dataAreaId` included. */
  Keys: z.record(z.string(), z.string()),
  /** Create: every field with a value; update: the fields whose value changed; delete: none. */
  ChangedFields: z.array(z.string()),
  /** The row after the change; null on delete. */
  Row: z.record(z.string(), scmFieldValueSchema).nullable(),
  /** The `x-fsi-user` of the write (default `Admin`). */
  InitiatingUser: z.string(),
});

export type ScmBusinessEvent = z.infer<typeof scmBusinessEventSchema>;

export function businessEventIdFor(entity: ScmEntityDefinition): string {
  return `Fsi${entity.entityName}ChangedBusinessEvent`;
}

/** The entity definition an event is about, from its `EntityName`. */
export function scmEntityForEvent(event: Pick<ScmBusinessEvent, "EntityName">): ScmEntityDefinition | undefined {
  return scmEntities.find((entity) => entity.entityName === event.EntityName);
}

export function toEventTime(date: Date): string {
  return `/Date(${date.getTime()})/`;
}

export function fromEventTime(eventTime: string): Date {
  const match = /^\/Date\((-?\d+)\)\/$/.exec(eventTime);
  if (match?.[1] === undefined) throw new Error(`'${eventTime}' is not a /Date(<milliseconds>)/ value.`);
  return new Date(Number(match[1]));
}

/**
 * `POST /scm/admin/subscriptions`. A `sync` subscriber is called before the write commits and a
 * failure (non-2xx, timeout, connection error) fails and rolls back the write (dual-write). An
 * `async` one is called after the commit, at least once, retried with backoff until it answers 2xx.
 */
export const scmEventSubscriptionRequestSchema = z.strictObject({
  url: z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }),
  mode: z.enum(["sync", "async"]),
  /** OData collection names (`Warehouses`) to receive events for; all entities when absent. */
  entities: z
    .array(
      z.string().refine((name) => scmEntityByCollection(name) !== undefined, {
        error: `must be one of ${scmEntities.map((entity) => entity.collection).join(", ")}`,
      }),
    )
    .min(1)
    .optional(),
});

export const scmEventSubscriptionSchema = scmEventSubscriptionRequestSchema.extend({
  id: z.string(),
  createdAt: z.string(),
});

export type ScmEventSubscriptionRequest = z.infer<typeof scmEventSubscriptionRequestSchema>;
export type ScmEventSubscription = z.infer<typeof scmEventSubscriptionSchema>;
