/**
 * Opens the host's state store the settings name (`FSI_STATE_STORE`, see host/config-from-env.ts):
 * SQLite (default: one embedded file, the sandbox and a single host) or Azure Storage (every
 * instance of a scaled-out host, and the `fsi` CLI, on one storage account).
 */
import type { RetryBackoff } from "./change-queue";
import type { HostStateStore } from "./state-store";
import { openAzureStateStore } from "./azure/azure-state-store";
import type { AzureStoreSettings } from "./azure/storage-access";
import { openSqliteStateStore } from "./sync-state";

export type StateStoreSettings =
  | { readonly kind: "sqlite"; readonly path: string; readonly inventoryPath?: string }
  | ({ readonly kind: "azure" } & AzureStoreSettings);

export interface OpenStateStoreOptions {
  readonly retryBackoff?: RetryBackoff;
}

export async function openStateStore(
  settings: StateStoreSettings,
  options: OpenStateStoreOptions = {},
): Promise<HostStateStore> {
  const backoff = options.retryBackoff === undefined ? {} : { retryBackoff: options.retryBackoff };
  if (settings.kind === "azure") return openAzureStateStore(settings, backoff);
  return openSqliteStateStore({
    path: settings.path,
    ...(settings.inventoryPath === undefined ? {} : { inventoryPath: settings.inventoryPath }),
    ...backoff,
  });
}

/** Where the state lives, for messages (never the connection string: it holds the account key). */
export function describeStateStore(settings: StateStoreSettings): string {
  if (settings.kind === "sqlite") return `SQLite ${settings.path}`;
  const where =
    settings.access.kind === "connection-string"
      ? "the account of FSI_STORAGE_CONNECTION_STRING"
      : settings.access.tableUrl;
  return `Azure Storage (${where}, prefix ${settings.prefix})`;
}
