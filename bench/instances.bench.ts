/**
 * SCM events applied per second by a plug-in host scaled out over several instances on one shared
 * state store (`plugins-ts/__tests__/support/host-instances.ts`: host processes behind a
 * round-robin front end, the emulators in this process), on Azure Storage (Azurite) and on one
 * SQLite file. The baseline is one instance on the same store, measured in the same run.
 *
 * SCM's data events for N new warehouses are recorded, then posted to the front end by CLIENTS
 * senders at once, as a busy SCM's endpoint receives them (the emulator's own dispatcher sends one
 * at a time, which would measure the dispatcher). An event counts when the host answered it:
 * it has read SCM's row and written Field Service's by then. The run fails unless every event was
 * applied and both systems end equal.
 *
 * Run alone: `npx tsx bench/instances.bench.ts [events]`.
 */
import { SCM_EVENTS_KEY, scmRequest } from "@fsi/plugins/__tests__/support/environment";
import { recordScmEvents } from "@fsi/plugins/__tests__/support/event-recorder";
import { type StateStoreKind, startHostInstances } from "@fsi/plugins/__tests__/support/host-instances";
import { warehouseRecordsOnBothSides } from "@fsi/plugins/__tests__/support/reconcile";

const CLIENTS = 8;
const INSTANCES = [1, 3] as const;

export interface InstancesRow {
  readonly instances: number;
  readonly store: StateStoreKind;
  readonly events: number;
  readonly seconds: number;
  readonly eventsPerSecond: number;
  readonly ratioToOneInstance: number;
}

const round = (value: number, digits = 2) => Number(value.toFixed(digits));

async function measure(instances: number, store: StateStoreKind, events: number): Promise<{ seconds: number }> {
  const hosts = await startHostInstances({ instances, store });
  try {
    // SCM keeps raising the events; the bench, not SCM's one-at-a-time dispatcher, sends them on.
    await hosts.unsubscribeScmEvents();
    const recorder = await recordScmEvents(hosts.scmUrl);
    try {
      for (let n = 0; n < events; n += 1) {
        const created = await scmRequest(hosts.scmUrl, "POST", "Warehouses", {
          dataAreaId: "usmf",
          WarehouseId: String(7000 + n),
          WarehouseName: `Bench ${n}`,
          WarehouseType: "Transit",
          OperationalSiteId: "S1",
        });
        if (created.status !== 201) throw new Error(`SCM create ${n}: ${created.status}`);
      }
      await recorder.drained();
      const bodies = [...recorder.bodies];
      if (bodies.length !== events) throw new Error(`expected ${events} events, SCM raised ${bodies.length}`);

      const url = `${hosts.frontDoor.url}/plugins/scm-events?code=${SCM_EVENTS_KEY}`;
      let next = 0;
      const started = performance.now();
      await Promise.all(
        Array.from({ length: CLIENTS }, async () => {
          for (let body = bodies[next++]; body !== undefined; body = bodies[next++]) {
            const reply = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body });
            const text = await reply.text();
            if (reply.status !== 200 || !text.includes('"applied"')) throw new Error(`event: ${reply.status} ${text}`);
          }
        }),
      );
      const seconds = (performance.now() - started) / 1000;

      await hosts.settled();
      const sides = await warehouseRecordsOnBothSides(hosts);
      if (sides.dataverse.length !== events || JSON.stringify(sides.dataverse) !== JSON.stringify(sides.scm))
        throw new Error(`both systems differ after ${instances} instance(s)`);
      return { seconds };
    } finally {
      await recorder.close();
    }
  } finally {
    await hosts.close();
  }
}

/** Azure Storage (Azurite) is the store for several instances; the shared SQLite file beside it. */
const STORES: readonly StateStoreKind[] = ["azure", "sqlite"];

export async function instancesBench(events = 300): Promise<InstancesRow[]> {
  const rows: InstancesRow[] = [];
  for (const store of STORES) {
    const measured: { instances: number; seconds: number }[] = [];
    for (const instances of INSTANCES) measured.push({ instances, ...(await measure(instances, store, events)) });
    const baseline = events / (measured[0]?.seconds ?? 1);
    for (const { instances, seconds } of measured) {
      rows.push({
        instances,
        store,
        events,
        seconds: round(seconds),
        eventsPerSecond: round(events / seconds, 1),
        ratioToOneInstance: round(events / seconds / baseline),
      });
    }
  }
  return rows;
}

if (require.main === module) {
  const events = Number(process.argv[2] ?? 300);
  instancesBench(events).then(
    (rows) => {
      console.table(rows);
    },
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
