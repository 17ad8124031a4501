/**
 * The host's state store on Azure Storage (`FSI_STATE_STORE=azure`), shared by every instance of a
 * scaled-out host and by the `fsi` CLI: tables for the queue, the ledger, map states, the initial
 * sync and the inventory engine's state (ETag concurrency, `tables.ts`), a blob lease for the
 * replay lease. Every table and container name starts with the prefix (`FSI_STORAGE_PREFIX`), so
 * several environments can share one account. Tables and the container are created when missing.
 */
import { BlobServiceClient } from "@azure/storage-blob";
import { DEFAULT_RETRY_BACKOFF, type RetryBackoff } from "../change-queue";
import { DEFAULT_LEASE_MS } from "../replay-lease";
import type { HostStateStore } from "../state-store";
import { AzureChangeQueue } from "./azure-change-queue";
import { AzureInitialSync } from "./azure-initial-sync";
import { AzureInventoryState } from "./azure-inventory-state";
import { AzureMapStates } from "./azure-map-states";
import { AzureReplayLease, ensureLeaseBlob } from "./azure-replay-lease";
import { AzureScmRowIds } from "./azure-scm-row-ids";
import { AzureSyncLedger } from "./azure-ledger";
import { type AzureStoreSettings, STORAGE_PREFIX_PATTERN } from "./storage-access";
import { ensureTable, tableClient } from "./tables";

export interface AzureStateStore extends HostStateStore {
  readonly kind: "azure";
}

export interface AzureStoreOptions {
  readonly retryBackoff?: RetryBackoff;
  readonly now?: () => Date;
}

const TABLES = [
  "meta",
  "queue",
  "ledger",
  "ledgerids",
  "maps",
  "initialruns",
  "initialdone",
  "initialerrors",
  "scmrowids",
  "invcheckpoints",
  "invruns",
  "invpending",
  "invstamps",
  "invlive",
] as const;

export async function openAzureStateStore(settings: AzureStoreSettings, options: AzureStoreOptions = {}): Promise<AzureStateStore> {
  if (!STORAGE_PREFIX_PATTERN.test(settings.prefix)) {
    throw new RangeError(`The storage prefix '${settings.prefix}' must be 1 to 30 lowercase letters and digits, starting with a letter.`);
  }
  const now = options.now ?? (() => new Date());
  const table = Object.fromEntries(TABLES.map((name) => [name, tableClient(settings.access, `${settings.prefix}${name}`)])) as Record<
    (typeof TABLES)[number],
    ReturnType<typeof tableClient>
  >;
  await Promise.all(Object.values(table).map(ensureTable));
  const blobs =
    settings.access.kind === "connection-string"
      ? BlobServiceClient.fromConnectionString(settings.access.connectionString)
      : new BlobServiceClient(settings.access.blobUrl, settings.access.credential);
  const container = blobs.getContainerClient(`${settings.prefix}-leases`);
  await ensureLeaseBlob(container);
  const leaseSeconds = settings.leaseSeconds ?? DEFAULT_LEASE_MS / 1000;

  const mapStates = new AzureMapStates(table.maps, now);
  const ledger = new AzureSyncLedger(table.ledger, table.ledgerids, now);
  return {
    kind: "azure",
    queue: new AzureChangeQueue(table.queue, table.meta, mapStates, now, options.retryBackoff ?? DEFAULT_RETRY_BACKOFF),
    ledger,
    mapStates,
    initial: new AzureInitialSync({ runs: table.initialruns, done: table.initialdone, errors: table.initialerrors, meta: table.meta }, ledger, now),
    rowIds: new AzureScmRowIds(table.scmrowids),
    inventory: new AzureInventoryState(
      { checkpoints: table.invcheckpoints, runs: table.invruns, pending: table.invpending, stamps: table.invstamps, live: table.invlive, meta: table.meta },
      now,
    ),
    lease: (holder) => new AzureReplayLease(container, Promise.resolve(), leaseSeconds, holder),
    close: () => Promise.resolve(),
  };
}
