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

/** Opens the store and creates its tables and lease container when missing; a storage error surfaces here. */
export async function openAzureStateStore(
  settings: AzureStoreSettings,
  options: AzureStoreOptions = {},
): Promise<AzureStateStore> {
  const store = createAzureStateStore(settings, options);
  await store.ready;
  return store;
}

/**
 * The store at once, for entries that configure synchronously (the Functions app): tables and the
 * lease container are created in the background, and every call waits for that first.
 */
export function createAzureStateStore(
  settings: AzureStoreSettings,
  options: AzureStoreOptions = {},
): AzureStateStore & { readonly ready: Promise<void> } {
  if (!STORAGE_PREFIX_PATTERN.test(settings.prefix)) {
    throw new RangeError(
      `The storage prefix '${settings.prefix}' must be 1 to 30 lowercase letters and digits, starting with a letter.`,
    );
  }
  const now = options.now ?? (() => new Date());
  const table = Object.fromEntries(
    TABLES.map((name) => [name, tableClient(settings.access, `${settings.prefix}${name}`)]),
  ) as Record<(typeof TABLES)[number], ReturnType<typeof tableClient>>;
  const blobs =
    settings.access.kind === "connection-string"
      ? BlobServiceClient.fromConnectionString(settings.access.connectionString)
      : new BlobServiceClient(settings.access.blobUrl, settings.access.credential);
  const container = blobs.getContainerClient(`${settings.prefix}-leases`);
  const ready = Promise.all([...Object.values(table).map(ensureTable), ensureLeaseBlob(container)]).then(
    () => undefined,
  );
  // Reported by the calls that wait for it; not an unhandled rejection meanwhile.
  ready.catch(() => undefined);
  const leaseSeconds = settings.leaseSeconds ?? DEFAULT_LEASE_MS / 1000;

  const mapStates = new AzureMapStates(table.maps, now);
  const ledger = new AzureSyncLedger(table.ledger, table.ledgerids, now);
  return {
    kind: "azure",
    ready,
    queue: afterReady(
      new AzureChangeQueue(table.queue, table.meta, mapStates, now, options.retryBackoff ?? DEFAULT_RETRY_BACKOFF),
      ready,
    ),
    ledger: afterReady(ledger, ready),
    mapStates: afterReady(mapStates, ready),
    initial: afterReady(
      new AzureInitialSync(
        { runs: table.initialruns, done: table.initialdone, errors: table.initialerrors, meta: table.meta },
        ledger,
        now,
      ),
      ready,
    ),
    rowIds: afterReady(new AzureScmRowIds(table.scmrowids), ready),
    inventory: afterReady(
      new AzureInventoryState(
        {
          checkpoints: table.invcheckpoints,
          runs: table.invruns,
          pending: table.invpending,
          stamps: table.invstamps,
          live: table.invlive,
          meta: table.meta,
        },
        now,
      ),
      ready,
    ),
    lease: (holder) => new AzureReplayLease(container, ready, leaseSeconds, holder),
    close: () => Promise.resolve(),
  };
}

/** The same object, each of its methods waiting for `ready` first (the tables exist once it resolves). */
function afterReady<T extends object>(target: T, ready: Promise<void>): T {
  return new Proxy(target, {
    get(object, property, receiver) {
      const value: unknown = Reflect.get(object, property, receiver);
      if (typeof value !== "function") return value;
      return async (...args: unknown[]): Promise<unknown> => {
        await ready;
        return (value as (...parameters: unknown[]) => unknown).apply(object, args);
      };
    },
  });
}
