/**
 * The plug-in model: one class per plug-in with a single `execute(context, services)`, as a
 * Dataverse `IPlugin` has `Execute(IServiceProvider)`. The host parses, authenticates and routes;
 * the plug-in does the work and either returns a result (2xx) or throws an `IntegrationError`
 * (its status tells Dataverse to cancel the operation or fail the system job).
 */
import type { ValidationIssue } from "@fsi/core/validation/contract";
import type { PluginExecutionContext } from "../context/execution-context";
import type { CompanyDirectory } from "../integration/company-directory";
import type { IntegrationSettings } from "../integration/settings";
import type { DataverseClient } from "../services/dataverse-client";
import type { Logger } from "../services/logger";
import type { MapCatalog } from "../services/map-catalog";
import type { ScmClient } from "../services/scm-client";
import type { ChangeQueueStore, MapStateStore, SyncLedgerStore } from "../sync/state-store";

export interface PluginServices {
  /** Dataverse, as the integration user; in a synchronous step its calls join the step's transaction. */
  readonly dataverse: DataverseClient;
  readonly scm: ScmClient;
  readonly maps: MapCatalog;
  /** Carries the execution's correlation id. */
  readonly log: Logger;
  readonly settings: IntegrationSettings;
  readonly companies: CompanyDirectory;
  readonly ledger: SyncLedgerStore;
  readonly queue: ChangeQueueStore;
  /** Which maps are paused (`fsi sync pause`): their changes are queued, not applied. */
  readonly mapStates: MapStateStore;
  /**
   * True once the system that called (Dataverse's webhook, SCM's synchronous subscription) has
   * stopped waiting for the reply: it timed out and rolled its own write back. Absent where the
   * transport cannot tell (Azure Functions) and outside a request (replays).
   */
  readonly callerGone?: () => boolean;
}

export type PluginOutcome = "valid" | "applied" | "unchanged" | "skipped" | "queued";

export interface PluginResult {
  readonly outcome: PluginOutcome;
  readonly message: string;
  readonly warnings?: readonly ValidationIssue[];
}

/**
 * Every plug-in the host serves, the two-way maps' and the inventory maps' alike (those take their
 * flows at construction and may leave `services` unread).
 */
export interface Plugin<Name extends string = string> {
  /** The webhook handler name: the last segment of its route (`webhooks/<name>`, `inventory/webhooks/<name>`). */
  readonly name: Name;
  execute(context: PluginExecutionContext, services: PluginServices): Promise<PluginResult>;
}

/** 202 for a change queued for later (accepted, not yet applied), 200 otherwise. */
export function statusOf(result: PluginResult): number {
  return result.outcome === "queued" ? 202 : 200;
}
