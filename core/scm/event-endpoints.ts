/**
 * The SCM emulator's registration of a data event endpoint (`POST /scm/admin/event-endpoints`): in
 * F&O an HTTPS endpoint on the Business events page with data events activated for it. It is an
 * administration contract of the sandbox, not an F&O API; the events themselves are F&O's
 * (core/scm/data-events.ts).
 */
import { z } from "zod";
import { scmEntities, scmEntityByCollection } from "./entities";

export const scmEventEndpointRequestSchema = z.strictObject({
  /** Where events are POSTed; carry the receiver's key in it (`?code=`), as a Dataverse webhook does. */
  url: z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }),
  /** OData collection names (`Warehouses`) whose data events are activated; all entities when absent. */
  entities: z
    .array(
      z.string().refine((name) => scmEntityByCollection(name) !== undefined, {
        error: `must be one of ${scmEntities.map((entity) => entity.collection).join(", ")}`,
      }),
    )
    .min(1)
    .optional(),
});

export const scmEventEndpointSchema = scmEventEndpointRequestSchema.extend({ id: z.string(), createdAt: z.string() });

export type ScmEventEndpointRequest = z.infer<typeof scmEventEndpointRequestSchema>;
export type ScmEventEndpoint = z.infer<typeof scmEventEndpointSchema>;

/**
 * Test switches of the emulator's delivery (`PUT /scm/admin/event-delivery`): what a consumer of
 * at-least-once, unordered events must survive.
 */
export const scmEventDeliveryFaultsSchema = z.strictObject({
  /** Deliver every event twice. */
  duplicate: z.boolean().default(false),
  /** Deliver the events due together newest first. */
  reorder: z.boolean().default(false),
  /** Hold every event this long after its commit before the first attempt. */
  delayMs: z.number().int().min(0).max(600_000).default(0),
  /** Hold every event until this is switched off again: late delivery under the test's control. */
  hold: z.boolean().default(false),
  /** Lose the next N events raised (they go to the error log, as after failed retries). */
  loseNext: z.number().int().min(0).max(100_000).default(0),
});

export type ScmEventDeliveryFaults = z.infer<typeof scmEventDeliveryFaultsSchema>;
