/**
 * A scaled-out plug-in host for the multi-instance tests and the benchmark: the SCM and Dataverse
 * emulators in this process, N plug-in host processes (`host-process.ts`) sharing ONE state store,
 * and a front end (`front-door.ts`) in front of them that Dataverse's service endpoints and SCM's
 * data event endpoint are registered at, as they would be at a Function App's URL. A write audit
 * (an asynchronous step of its own on warehouses, with a PreImage, as a customiser could register)
 * records every warehouse write Dataverse commits, who made it and the row before it, so a test can
 * count what was applied and find a write that changed nothing.
 *
 * The state store is a parameter: `sqlite` (one file, WAL, opened by every process) or `azure`
 * (Azure Storage, on the Azurite server the tests start).
 */
import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { tableByLogicalName } from "@fsi/core/dataverse/tables";
import { integrationWebhookSteps } from "@fsi/core/registration";
import { type DataverseServer, startDataverseServer } from "@fsi/sandbox/dataverse";
import { registerWebhook } from "@fsi/sandbox/dataverse/registration";
import { closeServer, listen } from "@fsi/sandbox/http";
import { type ScmEmulator, createScmEmulator } from "@fsi/sandbox/scm";
import { fsiIntegrationRole, rolePrivileges } from "@fsi/solution/components/security-roles";
import { parseExecutionContext, preImageOf, targetOf } from "../../context/execution-context";
import type { SdkValue } from "../../context/sdk-values";
import { registerWebhookSteps } from "../../registration/register-webhooks";
import { DataverseClient } from "../../services/dataverse-client";
import { loadMapCatalog } from "../../services/map-catalog";
import { openStateStore } from "../../sync/open-state-store";
import type { HostStateStore } from "../../sync/state-store";
import { openSyncState } from "../../sync/sync-state";
import { startAzurite } from "@fsi/test/support/azurite";
import type { LedgerEntry } from "../../sync/sync-ledger";
import {
  ADMIN,
  ADMIN_TOKEN,
  INTEGRATION,
  INTEGRATION_TOKEN,
  SCM_EVENTS_KEY,
  WEBHOOK_KEY,
  dataverseRequest,
  scmRequest,
} from "./environment";
import { type FrontDoor, startFrontDoor } from "./front-door";
import { type HostProcess, startHostProcess } from "./host-process";
import { eventually } from "./reconcile";

export type StateStoreKind = "sqlite" | "azure";

/** One committed warehouse write, as the audit step saw it. */
export interface AuditedWrite {
  readonly rowId: string;
  readonly message: string;
  readonly initiatingUserId: string;
  /** The columns the write set (its Target), by logical name. */
  readonly columns: Readonly<Record<string, SdkValue>>;
  /** The row as it was before an update (its PreImage, every column); empty for a create. */
  readonly before: Readonly<Record<string, SdkValue>>;
}

/** The shared store as a test reads it: the queue and the ledger, whatever the engine. */
export interface StateProbe {
  queueDepth(): Promise<number>;
  ledgerEntry(map: string, rowKey: string): Promise<LedgerEntry | undefined>;
  close(): Promise<void>;
}

export interface HostInstances {
  readonly scm: ScmEmulator;
  /** `http://127.0.0.1:<port>/scm` */
  readonly scmUrl: string;
  readonly dataverse: DataverseServer;
  readonly frontDoor: FrontDoor;
  /** Host processes in the order they started (index = the front door's instance index). */
  readonly hosts: readonly HostProcess[];
  /** What a shell running `fsi` against the shared store sets. */
  readonly cliVariables: Readonly<Record<string, string>>;
  /** The folder the test may write into (the CLI's working directory). */
  readonly dir: string;
  readonly companyId: string;
  readonly siteId: string;
  readonly audit: readonly AuditedWrite[];
  readonly state: StateProbe;
  /** Starts one more host process on the same store and puts it behind the front door. */
  addHost(): Promise<number>;
  /**
   * Takes SCM's data event endpoint off the front door: SCM keeps raising events (to endpoints a
   * test subscribes), and the test hands them to the instances itself.
   */
  unsubscribeScmEvents(): Promise<void>;
  /**
   * Waits until nothing is left in flight: SCM's outbox delivered, Dataverse's asynchronous steps
   * run, the front door idle and the shared queue empty — twice in a row.
   */
  settled(deadlineMs?: number): Promise<void>;
  close(): Promise<void>;
}

export interface HostInstancesOptions {
  readonly instances: number;
  readonly store: StateStoreKind;
  /** Retry timer of every host (queued changes); default 200 ms. */
  readonly retryIntervalMs?: number;
  /** Dataverse as an instance sees it (a proxy in front of the emulator); default the emulator. */
  readonly dataverseUrlFor?: (instance: number, dataverseUrl: string) => string | Promise<string>;
}

async function startAudit(): Promise<{ url: string; writes: AuditedWrite[]; close(): Promise<void> }> {
  const writes: AuditedWrite[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const context = parseExecutionContext(JSON.parse(Buffer.concat(chunks).toString("utf8")));
      const target = targetOf(context);
      writes.push({
        rowId: context.primaryEntityId.toLowerCase(),
        message: context.messageName,
        initiatingUserId: context.initiatingUserId,
        columns: target?.kind === "Entity" ? target.attributes : {},
        before: preImageOf(context)?.attributes ?? {},
      });
      res.writeHead(200).end();
    });
  });
  const url = await listen(server, 0);
  return { url, writes, close: () => closeServer(server) };
}

/** The shared store of one kind: the variables every process gets, and the test's own view of it. */
interface SharedStore {
  readonly variables: Readonly<Record<string, string>>;
  /** The store as the test reads it (the same interface the hosts and the CLI use). */
  readonly probe: StateProbe;
  close(): Promise<void>;
}

function probeOf(store: HostStateStore): StateProbe {
  return {
    queueDepth: () => store.queue.depth(),
    ledgerEntry: (map, rowKey) => store.ledger.get(map, rowKey),
    close: () => store.close(),
  };
}

const sharedStores: Readonly<Record<StateStoreKind, (dir: string) => Promise<SharedStore>>> = {
  sqlite: (dir) => {
    // One file for every process: WAL lets them read while one writes (sync/sync-database.ts).
    const path = join(dir, "host-state.sqlite");
    const probe = probeOf(openSyncState(path));
    return Promise.resolve({ variables: { FSI_STATE_PATH: path }, probe, close: () => probe.close() });
  },
  azure: async () => {
    // Azure Storage on the tests' own Azurite server; a prefix of its own, as an environment would.
    const azurite = await startAzurite();
    const prefix = `fsi${randomBytes(4).toString("hex")}`;
    try {
      const probe = probeOf(
        await openStateStore({
          kind: "azure",
          access: { kind: "connection-string", connectionString: azurite.connectionString },
          prefix,
        }),
      );
      return {
        variables: {
          FSI_STATE_STORE: "azure",
          FSI_STORAGE_CONNECTION_STRING: azurite.connectionString,
          FSI_STORAGE_PREFIX: prefix,
        },
        probe,
        close: async () => {
          await probe.close();
          await azurite.stop();
        },
      };
    } catch (error) {
      await azurite.stop();
      throw error;
    }
  },
};

export async function startHostInstances(options: HostInstancesOptions): Promise<HostInstances> {
  const dir = mkdtempSync(join(tmpdir(), "fsi-instances-"));
  const closers: (() => Promise<void>)[] = [
    () => {
      rmSync(dir, { recursive: true, force: true });
      return Promise.resolve();
    },
  ];
  const close = async () => {
    for (const closer of closers.reverse()) await closer();
  };
  try {
    const scm = createScmEmulator({ seed: false, retry: { baseDelayMs: 20, maxDelayMs: 200, timeoutMs: 10_000 } });
    const scmServer = createServer((req, res) => void scm.handle(req, res));
    const scmUrl = `${await listen(scmServer, 0)}/scm`;
    closers.push(async () => {
      await closeServer(scmServer);
      await scm.close();
    });
    const dataverse = await startDataverseServer({
      users: [ADMIN, INTEGRATION],
      tokens: { [ADMIN_TOKEN]: ADMIN.id, [INTEGRATION_TOKEN]: INTEGRATION.id },
      privileges: { [INTEGRATION.id]: rolePrivileges(fsiIntegrationRole) },
    });
    closers.push(() => dataverse.close());

    const store = await sharedStores[options.store](dir);
    closers.push(() => store.close());
    const storeVariables = store.variables;
    const hostVariables: Record<string, string> = {
      ...storeVariables,
      FSI_DATAVERSE_URL: dataverse.url,
      FSI_DATAVERSE_TOKEN: INTEGRATION_TOKEN,
      FSI_SCM_URL: scmUrl,
      FSI_INTEGRATION_USER_ID: INTEGRATION.id,
      FSI_WEBHOOK_KEY: WEBHOOK_KEY,
      FSI_SCM_EVENTS_KEY: SCM_EVENTS_KEY,
      // The validation API is not called here; the host still needs its tenant's settings to start.
      FSI_VALIDATION_ISSUER: "https://login.microsoftonline.com/00000000-0000-4000-8000-000000000000/v2.0",
      FSI_VALIDATION_AUDIENCE: "api://fsi-validation",
      FSI_VALIDATION_JWKS_URL:
        "https://login.microsoftonline.com/00000000-0000-4000-8000-000000000000/discovery/v2.0/keys",
      FSI_RETRY_INTERVAL_MS: String(options.retryIntervalMs ?? 200),
      FSI_INVENTORY_STATE_PATH: join(dir, "inventory.sqlite"),
    };
    const hosts: HostProcess[] = [];
    closers.push(async () => {
      for (const host of hosts) await host.kill();
    });
    // One after another: each migrates (or finds migrated) the shared store as it opens it.
    const variablesFor = async (instance: number): Promise<Record<string, string>> =>
      options.dataverseUrlFor === undefined
        ? hostVariables
        : { ...hostVariables, FSI_DATAVERSE_URL: await options.dataverseUrlFor(instance, dataverse.url) };
    for (let n = 0; n < options.instances; n += 1) hosts.push(await startHostProcess(await variablesFor(n)));
    const frontDoor = await startFrontDoor(hosts.map((host) => host.url));
    closers.push(() => frontDoor.close());

    const audit = await startAudit();
    closers.push(() => audit.close());
    const warehouse = tableByLogicalName("msdyn_warehouse");
    if (warehouse === undefined) throw new Error("no msdyn_warehouse table");
    await registerWebhook(dataverse.emulator, { name: "Write audit", url: `${audit.url}/audit` }, [
      {
        name: "Write audit: Create",
        message: "Create",
        table: warehouse,
        stage: 40,
        mode: "async",
        asyncAutoDelete: true,
      },
      {
        name: "Write audit: Update",
        message: "Update",
        table: warehouse,
        stage: 40,
        mode: "async",
        asyncAutoDelete: true,
        images: [{ alias: "PreImage", type: "pre" }],
      },
    ]);

    const maps = loadMapCatalog();
    await registerWebhookSteps(
      new DataverseClient({ url: dataverse.url, accessToken: () => Promise.resolve(ADMIN_TOKEN) }),
      {
        hostUrl: frontDoor.url,
        auth: { kind: "HttpHeader", headerName: "x-fsi-webhook-key", key: WEBHOOK_KEY },
        steps: integrationWebhookSteps(maps.maps),
      },
    );
    const subscribed = await fetch(`${scmUrl}/admin/event-endpoints`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        url: `${frontDoor.url}/plugins/scm-events?code=${SCM_EVENTS_KEY}`,
        entities: maps.maps.map((map) => map.scmCollection),
      }),
    });
    if (subscribed.status !== 201) throw new Error(`SCM data event endpoint: ${subscribed.status}`);

    const company = await dataverseRequest(dataverse.url, "POST", "cdm_companies", {
      cdm_name: "Contoso USA",
      cdm_companycode: "usmf",
    });
    const companyId = /\(([0-9a-f-]{36})\)/.exec(company.headers.get("odata-entityid") ?? "")?.[1];
    if (company.status !== 204 || companyId === undefined) throw new Error(`company create failed: ${company.status}`);

    const state = store.probe;

    const site = await scmRequest(scmUrl, "POST", "OperationalSites", {
      dataAreaId: "usmf",
      SiteId: "S1",
      SiteName: "Seattle",
    });
    if (site.status !== 201) throw new Error(`site create failed: ${site.status}`);
    let siteId = "";
    await eventually(
      async () => {
        const found = await dataverseRequest(
          dataverse.url,
          "GET",
          "msdyn_operationalsites?$filter=msdyn_siteid eq 'S1'",
        );
        const row = (found.json as { value?: Record<string, unknown>[] }).value?.[0];
        siteId = row === undefined ? "" : String(row.msdyn_operationalsiteid);
        return row !== undefined;
      },
      "the site reaches Dataverse through the hosts",
      30_000,
    );

    const quiet = async (): Promise<boolean> => {
      await dataverse.emulator.idle();
      const outbox = (await (await fetch(`${scmUrl}/admin/outbox`)).json()) as { value: unknown[] };
      return outbox.value.length === 0 && frontDoor.inFlight() === 0 && (await state.queueDepth()) === 0;
    };
    return {
      scm,
      scmUrl,
      dataverse,
      frontDoor,
      hosts,
      cliVariables: {
        ...storeVariables,
        FSI_DATAVERSE_URL: dataverse.url,
        FSI_DATAVERSE_TOKEN: INTEGRATION_TOKEN,
        FSI_SCM_URL: scmUrl,
        FSI_INTEGRATION_USER_ID: INTEGRATION.id,
        FSI_INVENTORY_STATE_PATH: join(dir, "inventory.sqlite"),
      },
      dir,
      companyId,
      siteId,
      audit: audit.writes,
      state,
      async addHost() {
        const host = await startHostProcess(await variablesFor(hosts.length));
        hosts.push(host);
        return frontDoor.add(host.url);
      },
      async unsubscribeScmEvents() {
        const endpoints = (await (await fetch(`${scmUrl}/admin/event-endpoints`)).json()) as {
          value: { id: string; url: string }[];
        };
        for (const endpoint of endpoints.value.filter((known) => known.url.startsWith(frontDoor.url))) {
          const removed = await fetch(`${scmUrl}/admin/event-endpoints/${endpoint.id}`, { method: "DELETE" });
          if (removed.status !== 204) throw new Error(`SCM endpoint removal: ${removed.status}`);
        }
      },
      async settled(deadlineMs = 60_000) {
        await eventually(async () => (await quiet()) && (await quiet()), "every change settled", deadlineMs);
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
