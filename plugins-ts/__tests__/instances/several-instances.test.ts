/**
 * Several instances of the plug-in host on one shared state store, as a scaled-out Function App
 * runs: three host processes behind one front end (`support/front-door.ts`, round robin), every
 * webhook step and SCM data event spread over them.
 * - A burst of changes in both systems, one instance killed (SIGKILL) with a request in flight:
 *   both systems end equal, every change was applied exactly once (SCM's data events count the
 *   writes SCM committed; an audit step counts the writes Dataverse committed), the shared ledger
 *   agrees with both systems and the queue is empty.
 * - `fsi sync pause <map>` in a shell reaches every instance within the store's stated propagation
 *   time: after it, every instance queues the map's changes instead of applying them; `fsi sync
 *   resume` replays them.
 */
import { ScmSyncStatus } from "@fsi/core/dataverse/tables";
import { fsi } from "../../cli/__tests__/support";
import { INTEGRATION, dataverseRequest, scmRequest } from "../support/environment";
import { type EventRecorder, recordScmEvents } from "../support/event-recorder";
import type { FrontDoorEntry } from "../support/front-door";
import type { SdkValue } from "../../context/sdk-values";
import {
  type AuditedWrite,
  type HostInstances,
  type StateStoreKind,
  startHostInstances,
} from "../support/host-instances";
import { eventually, warehouseRecordsOnBothSides } from "../support/reconcile";

const ROWS = 30;
const CLIENTS = 6;
const MAP = "warehouses";
// usmf's warehouse ids are four digits: Field Service's rows 5000 up, SCM's 6000 up.
const fsIds = Array.from({ length: ROWS }, (_, n) => String(5000 + n));
const scmIds = Array.from({ length: ROWS }, (_, n) => String(6000 + n));

/** How long after `fsi sync pause` answers an instance may still apply the map's changes, per store. */
const PAUSE_PROPAGATION_MS: Record<StateStoreKind, number> = {
  // Every instance reads the map's state from the store on every change it handles (no cache):
  // sync/map-states.ts (the file), sync/azure/azure-map-states.ts (an Azure table).
  sqlite: 0,
  azure: 0,
};

/** Azure Storage (Azurite, started by the test) is the store for several instances; the shared SQLite file too. */
const STORES: readonly StateStoreKind[] = ["azure", "sqlite"];

/** Runs `tasks` with at most `clients` at a time. */
async function pool(tasks: readonly (() => Promise<void>)[], clients: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    for (let task = tasks[next++]; task !== undefined; task = tasks[next++]) await task();
  };
  await Promise.all(Array.from({ length: clients }, worker));
}

/** A save as a person makes it: refused (the host died under it), they save again. */
async function saved(what: string, attempt: () => Promise<{ status: number; json: unknown }>): Promise<void> {
  for (let tries = 1; ; tries += 1) {
    const reply = await attempt();
    if (reply.status < 300) return;
    if (tries === 3) throw new Error(`${what}: ${reply.status} ${JSON.stringify(reply.json)}`);
  }
}

const outcomeOf = (entry: FrontDoorEntry): string | undefined => {
  try {
    return (JSON.parse(entry.reply) as { outcome?: string }).outcome;
  } catch {
    return undefined;
  }
};
/**
 * Columns that are not the row's data: what every write sets anew, and the sync status the
 * integration sets beside a row's values. A write that changes none of the others changed nothing.
 */
const NOT_DATA = new Set([
  "modifiedon",
  "versionnumber",
  "msdyn_warehouseid",
  "fsi_scmsyncstatus",
  "fsi_scmlastsyncedon",
  "fsi_scmlasterror",
]);

const comparable = (value: SdkValue | undefined): unknown => {
  if (value === undefined || value === null) return null;
  if (typeof value !== "object" || value instanceof Date) return value;
  if ("kind" in value && value.kind === "EntityReference") return value.id.toLowerCase();
  if ("kind" in value && value.kind === "OptionSetValue") return value.value;
  return JSON.stringify(value);
};

/** The data columns an update set to a value other than the row's before it. */
function changedColumns(write: AuditedWrite): string[] {
  return Object.keys(write.columns).filter(
    (column) => !NOT_DATA.has(column) && comparable(write.columns[column]) !== comparable(write.before[column]),
  );
}

const isSyncStep = (entry: FrontDoorEntry) => entry.url.startsWith("/plugins/webhooks/sync-to-scm");
const isScmEvent = (entry: FrontDoorEntry) => entry.url.startsWith("/plugins/scm-events");

describe.each(STORES)("three plug-in host processes on one %s state store", (store) => {
  let hosts: HostInstances;
  let events: EventRecorder;

  beforeAll(async () => {
    hosts = await startHostInstances({ instances: 3, store });
    events = await recordScmEvents(hosts.scmUrl);
  }, 120_000);

  afterAll(async () => {
    await events.close();
    await hosts.close();
  });

  // The name is the id and the description the words, so the row means the same under either
  // warehouse naming (msdyn_name as SCM's name, or Microsoft's: msdyn_name the id, the name in
  // msdyn_description).
  const warehouse = (id: string, name: string) => ({
    msdyn_name: id,
    msdyn_description: name,
    msdyn_warehouseidentifier: id,
    msdyn_warehousetype: 192350002,
    "msdyn_company@odata.bind": `/cdm_companies(${hosts.companyId})`,
    "msdyn_operationalsite@odata.bind": `/msdyn_operationalsites(${hosts.siteId})`,
  });
  const dataverseId = async (id: string): Promise<string> => {
    const found = await dataverseRequest(
      hosts.dataverse.url,
      "GET",
      `msdyn_warehouses?$select=msdyn_warehouseid&$filter=msdyn_warehouseidentifier eq '${id}'`,
    );
    const row = (found.json as { value: { msdyn_warehouseid: string }[] }).value[0];
    if (row === undefined) throw new Error(`no warehouse ${id} in Dataverse`);
    return row.msdyn_warehouseid;
  };
  const streetsInScm = async (): Promise<Map<string, string>> => {
    const rows = (await scmRequest(hosts.scmUrl, "GET", "Warehouses?cross-company=true")).json as {
      value: { WarehouseId: string; PrimaryAddressStreet: string }[];
    };
    return new Map(rows.value.map((row) => [row.WarehouseId, row.PrimaryAddressStreet]));
  };
  const streetsInDataverse = async (): Promise<Map<string, string>> => {
    const rows = (
      await dataverseRequest(
        hosts.dataverse.url,
        "GET",
        "msdyn_warehouses?$select=msdyn_warehouseidentifier,msdyn_primaryaddressstreet",
      )
    ).json as { value: { msdyn_warehouseidentifier: string; msdyn_primaryaddressstreet: string | null }[] };
    return new Map(rows.value.map((row) => [row.msdyn_warehouseidentifier, row.msdyn_primaryaddressstreet ?? ""]));
  };

  it("spreads a burst of both directions over the instances, survives one killed mid-way, applies every change once", async () => {
    // Field Service rows: created, then their street changed, in Dataverse; SCM rows likewise in SCM.
    const tasks: (() => Promise<void>)[] = [];
    for (let n = 0; n < ROWS; n += 1) {
      const fsId = fsIds[n] ?? "";
      const scmId = scmIds[n] ?? "";
      tasks.push(async () => {
        await saved(`create ${fsId}`, () =>
          dataverseRequest(hosts.dataverse.url, "POST", "msdyn_warehouses", warehouse(fsId, `Field ${n}`)),
        );
        const id = await dataverseId(fsId);
        await saved(`update ${fsId}`, () =>
          dataverseRequest(hosts.dataverse.url, "PATCH", `msdyn_warehouses(${id})`, {
            msdyn_primaryaddressstreet: `${n} Field Street`,
          }),
        );
      });
      tasks.push(async () => {
        await saved(`create ${scmId}`, () =>
          scmRequest(hosts.scmUrl, "POST", "Warehouses", {
            dataAreaId: "usmf",
            WarehouseId: scmId,
            WarehouseName: `Supply ${n}`,
            WarehouseType: "Transit",
            OperationalSiteId: "S1",
          }),
        );
        await saved(`update ${scmId}`, () =>
          scmRequest(hosts.scmUrl, "PATCH", `Warehouses(dataAreaId='usmf',WarehouseId='${scmId}')`, {
            PrimaryAddressStreet: `${n} Supply Street`,
          }),
        );
      });
    }

    // A third of the way in, the second instance dies with a request just handed to it.
    const victim = 1;
    let killed: Promise<NodeJS.Signals | null> | undefined;
    let killedDuring = "";
    const before = hosts.frontDoor.log.length;
    hosts.frontDoor.onForwarded((instance, url) => {
      if (killed !== undefined || instance !== victim || hosts.frontDoor.log.length - before < ROWS * 2) return;
      killedDuring = url;
      killed = hosts.hosts[victim]?.kill();
    });
    await pool(tasks, CLIENTS);
    hosts.frontDoor.onForwarded(undefined);
    expect(await killed).toBe("SIGKILL");
    await hosts.settled();
    await events.drained();

    // The work was spread: every instance served requests, and the dead one's last got a 502.
    const burst = hosts.frontDoor.log.slice(before);
    for (const instance of [0, 1, 2])
      expect(burst.filter((entry) => entry.instance === instance).length).toBeGreaterThan(0);
    // Its requests in flight (the one it was killed during, and any other) got a 502; no other did.
    const badGateway = burst.filter((entry) => entry.status === 502);
    expect(badGateway.map((entry) => entry.url)).toContain(killedDuring);
    expect(new Set(badGateway.map((entry) => entry.instance))).toEqual(new Set([victim]));

    // Both systems equal, with every change in.
    const sides = await warehouseRecordsOnBothSides(hosts);
    expect(sides.dataverse).toEqual(sides.scm);
    const streets = await streetsInScm();
    for (let n = 0; n < ROWS; n += 1) {
      expect([fsIds[n], streets.get(fsIds[n] ?? "")]).toEqual([fsIds[n], `${n} Field Street`]);
      expect([scmIds[n], streets.get(scmIds[n] ?? "")]).toEqual([scmIds[n], `${n} Supply Street`]);
    }

    // Nothing applied twice. SCM committed one create and one update per Field Service row (the
    // integration's), and only the two the test made per SCM row.
    const scmWrites = (id: string) =>
      events.events
        .filter((event) => event.entity.collection === "Warehouses" && event.key.WarehouseId === id)
        .map((event) => `${event.operation} ${String(event.fields.PrimaryAddressStreet ?? "")}`);
    for (let n = 0; n < ROWS; n += 1) {
      expect([fsIds[n], scmWrites(fsIds[n] ?? "")]).toEqual([fsIds[n], ["Create ", `Update ${n} Field Street`]]);
      expect([scmIds[n], scmWrites(scmIds[n] ?? "")]).toEqual([scmIds[n], ["Create ", `Update ${n} Supply Street`]]);
    }
    // Dataverse: every row created once, and no write of the integration's that changed nothing
    // (a change applied again). Creates and updates by anyone, for the rows of the burst.
    const burstRows = new Set(await Promise.all([...fsIds, ...scmIds].map(dataverseId)));
    const writes = hosts.audit.filter((write) => burstRows.has(write.rowId));
    const creates = writes.filter((write) => write.message === "Create").map((write) => write.rowId);
    expect(creates.sort()).toEqual([...burstRows].sort());
    const repeated = writes.filter(
      (write) =>
        write.message === "Update" &&
        write.initiatingUserId === INTEGRATION.id &&
        "msdyn_name" in write.columns &&
        changedColumns(write).length === 0,
    );
    expect(repeated).toEqual([]);

    // The shared ledger agrees with both systems; nothing is left queued.
    expect(await hosts.state.queueDepth()).toBe(0);
    for (const id of [...fsIds, ...scmIds]) {
      const entry = await hosts.state.ledgerEntry(MAP, `usmf/${id}`);
      expect([id, entry?.status]).toEqual([id, "synced"]);
    }
    for (const id of fsIds) {
      expect((await hosts.state.ledgerEntry(MAP, `usmf/${id}`))?.dataverseId).toBe(await dataverseId(id));
    }
    const statuses = (
      await dataverseRequest(
        hosts.dataverse.url,
        "GET",
        "msdyn_warehouses?$select=msdyn_warehouseidentifier,fsi_scmsyncstatus",
      )
    ).json as { value: { msdyn_warehouseidentifier: string; fsi_scmsyncstatus: number }[] };
    expect(statuses.value.filter((row) => row.fsi_scmsyncstatus !== ScmSyncStatus.Synced)).toEqual([]);
  }, 240_000);

  it("a pause from the CLI reaches every instance, the one started since included; resume replays", async () => {
    // The platform replaces the lost instance with a new one.
    const fresh = await hosts.addHost();
    const live = [0, 2, fresh];

    const paused = await fsi(hosts.cliVariables, hosts.dir, "sync", "pause", MAP);
    expect([paused.code, paused.err]).toEqual([0, ""]);
    await new Promise((resolve) => setTimeout(resolve, PAUSE_PROPAGATION_MS[store]));

    const mark = hosts.frontDoor.log.length;
    const eventsBefore = events.events.length;
    const since = () => hosts.frontDoor.log.slice(mark);
    const servedBy = (matches: (entry: FrontDoorEntry) => boolean) =>
      new Set(
        since()
          .filter((entry) => matches(entry) && entry.status < 300)
          .map((entry) => entry.instance),
      );
    // Changes in both systems until every live instance has handled at least one of each kind.
    const changedFs: string[] = [];
    const changedScm: string[] = [];
    await eventually(
      async () => {
        const n = changedFs.length;
        if (n >= ROWS) throw new Error("ran out of rows before every instance had a change");
        if (live.some((instance) => !servedBy(isSyncStep).has(instance))) {
          const id = fsIds[n] ?? "";
          await saved(`paused update ${id}`, async () =>
            dataverseRequest(hosts.dataverse.url, "PATCH", `msdyn_warehouses(${await dataverseId(id)})`, {
              msdyn_primaryaddressstreet: `${n} Paused Field Street`,
            }),
          );
          changedFs.push(id);
        }
        if (live.some((instance) => !servedBy(isScmEvent).has(instance))) {
          const id = scmIds[changedScm.length] ?? "";
          await saved(`paused update ${id}`, () =>
            scmRequest(hosts.scmUrl, "PATCH", `Warehouses(dataAreaId='usmf',WarehouseId='${id}')`, {
              PrimaryAddressStreet: `${changedScm.length} Paused Supply Street`,
            }),
          );
          changedScm.push(id);
          await events.drained();
        }
        return live.every((instance) => servedBy(isSyncStep).has(instance) && servedBy(isScmEvent).has(instance));
      },
      "every live instance handled a change of the paused map",
      60_000,
    );
    await events.drained();
    await hosts.dataverse.emulator.idle();

    // Every instance queued them; none applied one.
    const handled = since().filter((entry) => isSyncStep(entry) || isScmEvent(entry));
    expect(handled.filter((entry) => entry.status >= 300)).toEqual([]);
    expect([...new Set(handled.map(outcomeOf))]).toEqual(["queued"]);
    expect(events.events.slice(eventsBefore).filter((event) => fsIds.includes(String(event.key.WarehouseId)))).toEqual(
      [],
    );
    const scmStreets = await streetsInScm();
    changedFs.forEach((id, n) => {
      expect([id, scmStreets.get(id)]).toEqual([id, `${n} Field Street`]);
    });
    const dataverseStreets = await streetsInDataverse();
    changedScm.forEach((id, n) => {
      expect([id, dataverseStreets.get(id)]).toEqual([id, `${n} Supply Street`]);
    });
    expect(await hosts.state.queueDepth()).toBe(changedFs.length + changedScm.length);

    // Resumed: the queued changes are replayed, each once, and both systems agree again.
    const resumed = await fsi(hosts.cliVariables, hosts.dir, "sync", "resume", MAP);
    expect([resumed.code, resumed.err]).toEqual([0, ""]);
    await hosts.settled();
    await events.drained();
    const sides = await warehouseRecordsOnBothSides(hosts);
    expect(sides.dataverse).toEqual(sides.scm);
    const after = await streetsInScm();
    changedFs.forEach((id, n) => {
      expect([id, after.get(id)]).toEqual([id, `${n} Paused Field Street`]);
    });
    changedScm.forEach((id, n) => {
      expect([id, after.get(id)]).toEqual([id, `${n} Paused Supply Street`]);
    });
    const replayed = events.events.slice(eventsBefore).filter((event) => fsIds.includes(String(event.key.WarehouseId)));
    expect(replayed.map((event) => String(event.key.WarehouseId)).sort()).toEqual([...changedFs].sort());
  }, 240_000);
});
