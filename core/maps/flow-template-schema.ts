/**
 * Flow templates: the customizable maps of the one-way inventory and project flows —
 * on-hand (SCM → FS), projects (SCM → FS), adjustments and transfers (FS → SCM journals) and work
 * orders (FS → SCM sales orders). Like the old data integrator templates, each is one JSON file a
 * user may copy and change: its column pairs (the same pairs, value maps, defaults and lookups as
 * the two-way entity maps), a Field Service-side OData filter, and whether it runs live or in
 * scheduled batches. What the flow does with the rows (journals, posting, keys) is the engine's;
 * `flows.ts` says which parts of each side a template may map.
 */
import { z } from "zod";
import { columnPairSchema } from "./template-schema";

export const flowNames = [
  "on-hand",
  "projects",
  "inventory-adjustments",
  "inventory-transfers",
  "work-order-sales-orders",
] as const;
export type FlowName = (typeof flowNames)[number];

/**
 * `live`: event-driven — SCM business events (SCM → FS) or Dataverse webhook steps (FS → SCM) —
 * as the five dual-write tables run. `batch`: one-way runs that read only what changed since the
 * last run (a checkpoint per map), on a schedule or on demand.
 */
export const flowModeSchema = z.enum(["live", "batch"]);
export type FlowMode = z.infer<typeof flowModeSchema>;

const logicalName = z
  .string()
  .regex(/^[a-z_][a-z0-9_]*$/, "must be a Dataverse logical name (lower-case letters, digits, _)");
const collectionName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be an SCM collection name");

/** Child rows that travel with the header (an adjustment's products → journal lines). */
export const flowLinesSchema = z.strictObject({
  dataverseTable: logicalName,
  scmCollection: collectionName,
  columns: z.array(columnPairSchema),
});

export const flowTemplateSchema = z.strictObject({
  name: z.enum(flowNames, { error: `must name one of the flows: ${flowNames.join(", ")}` }),
  description: z.string().optional(),
  mode: flowModeSchema,
  /** Batch mode: minutes between scheduled runs; absent means on demand only (`runBatch`). */
  scheduleMinutes: z
    .number()
    .int()
    .min(1)
    .max(7 * 24 * 60)
    .optional(),
  /**
   * OData `$filter` over the Field Service table's columns (eq ne gt ge lt le, and or not, null,
   * lookups as `_<column>_value`): only rows it matches are carried. SCM → FS flows test it on the
   * mapped record; FS → SCM flows add it to their Dataverse query and test it on each record.
   */
  filter: z.string().trim().min(1).max(2000).optional(),
  dataverseTable: logicalName,
  scmCollection: collectionName,
  columns: z.array(columnPairSchema),
  lines: z.array(flowLinesSchema).optional(),
});

export type FlowTemplate = z.infer<typeof flowTemplateSchema>;
export type FlowLinesTemplate = z.infer<typeof flowLinesSchema>;

declare const checkedFlow: unique symbol;

/** A flow template that passed the schema and the checks against its flow (`parseFlowTemplate`). */
export type FlowMap = Readonly<FlowTemplate> & { readonly [checkedFlow]: true };
