/**
 * What every flow works with: the two systems, the reference cache, the engine's state and log,
 * and the outcome types a flow reports per row.
 */
import type { PluginExecutionContext } from "../../context/execution-context";
import { DataverseRequestError } from "../../services/dataverse-request";
import type { Logger } from "../../services/logger";
import { ScmRejectedError } from "../../services/scm-client";
import type { DataverseClient } from "../../services/dataverse-client";
import type { ScmClient } from "../../services/scm-client";
import type { InventoryStateStore } from "../state/inventory-state";
import type { KeyedMutex } from "./keyed-mutex";
import type { References } from "./references";

/** How the integration identifies its own writes (see `integration/settings.ts`). */
export interface InventoryIntegrationSettings {
  /** The Dataverse systemuserid the engine writes as. */
  readonly integrationUserId: string;
  /** Written as the Web API `tag` of every Dataverse write the engine makes. */
  readonly echoTag: string;
  /** The SCM user the engine writes as (`x-fsi-user`). */
  readonly scmIntegrationUser: string;
}

export interface FlowRuntime {
  /** Dataverse as the integration user, every write tagged with the echo tag. */
  readonly dataverse: DataverseClient;
  readonly scm: ScmClient;
  readonly references: References;
  readonly store: InventoryStateStore;
  readonly log: Logger;
  readonly settings: InventoryIntegrationSettings;
  readonly clock: () => Date;
  readonly rowLocks: KeyedMutex;
}

/** What happened to one row: written, already right, or left out by the map's filter. */
export type RowOutcome = "changed" | "unchanged" | "filtered";

/**
 * A row that cannot be carried now (a lookup that has not arrived, a value the map cannot carry,
 * a refusal): the row is remembered and tried again; `message` says why, for people.
 */
export class RowFailure extends Error {
  override readonly name = "RowFailure";
  readonly code = "ROW_FAILED";
}

/**
 * A failure that concerns the row (keep it for the next run): the row's own problem, or a refusal
 * by SCM or Dataverse. Anything else stops the run: a system out of reach, or Dataverse's service
 * protection limits (429), which say nothing about the row — the request is sent again after
 * `Retry-After` (`batch/parallel.ts`).
 */
export function isRowFailure(error: unknown): error is Error {
  return (
    error instanceof RowFailure ||
    error instanceof ScmRejectedError ||
    (error instanceof DataverseRequestError && !error.unreachable && error.status !== 429)
  );
}

/**
 * Whether a Dataverse operation is the integration's own write: made as the integration user, or
 * tagged with its echo tag (the same markers as `integration/echo.ts`, which takes the full host
 * settings).
 */
export function isIntegrationWrite(
  context: Pick<PluginExecutionContext, "initiatingUserId" | "sharedVariables">,
  settings: InventoryIntegrationSettings,
): boolean {
  if (context.initiatingUserId === settings.integrationUserId.toLowerCase()) return true;
  const tag = context.sharedVariables.tag;
  return typeof tag === "string" && tag === settings.echoTag;
}
