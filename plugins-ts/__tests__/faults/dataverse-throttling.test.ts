/**
 * Dataverse pushes back during an initial sync (SCM → Field Service), through a fault proxy in
 * front of the Web API: 429 with `Retry-After` as an HTTP date on a read and on a write (a
 * CreateMultiple), a 503 on a write, and a write whose reply is lost after Dataverse committed it.
 * The run waits as told and completes; the lost reply stops it (outcome unknown) and the next run
 * resumes without a duplicate or a false row error. (`cli/__tests__/initial-throttling.test.ts` covers the emulator's
 * own 429 with `Retry-After` in seconds.)
 */
import { createServer, type Server } from "node:http";
import { type DataverseServer, startDataverseServer } from "@fsi/sandbox/dataverse";
import { closeServer, listen } from "@fsi/sandbox/http";
import { type ScmEmulator, createScmEmulator } from "@fsi/sandbox/scm";
import { type TempDir, cliEnvironment, fsi, seedModesOnlyInScm, tempDir } from "../../cli/__tests__/support";
import { ADMIN, ADMIN_TOKEN, INTEGRATION, INTEGRATION_TOKEN, dataverseRequest } from "../support/environment";
import { type FaultMode, type FaultProxy, type ProxiedRequest, startFaultProxy } from "../support/fault-proxy";

const MODES = 30;

interface Systems {
  readonly dataverse: DataverseServer;
  readonly proxy: FaultProxy;
  readonly scm: ScmEmulator;
  readonly scmServer: Server;
  readonly scmUrl: string;
  readonly dir: TempDir;
  readonly variables: Record<string, string>;
  close(): Promise<void>;
}

/** Dataverse (behind the proxy) with company usmf, SCM with 30 modes of delivery, a state file. */
async function startSystems(): Promise<Systems> {
  const dir = tempDir("fsi-faults-");
  const dataverse = await startDataverseServer({
    users: [ADMIN, INTEGRATION],
    tokens: { [ADMIN_TOKEN]: ADMIN.id, [INTEGRATION_TOKEN]: INTEGRATION.id },
  });
  const proxy = await startFaultProxy(dataverse.url);
  const scm = createScmEmulator({ seed: false });
  const scmServer = createServer((req, res) => void scm.handle(req, res));
  const scmUrl = `${await listen(scmServer, 0)}/scm`;
  await seedModesOnlyInScm(dataverse.url, scmUrl, MODES);
  return {
    dataverse,
    proxy,
    scm,
    scmServer,
    scmUrl,
    dir,
    // The CLI reaches Dataverse through the proxy; the test reads it directly.
    variables: cliEnvironment(
      { dataverse: { ...dataverse, url: proxy.url }, scmUrl },
      dir.path,
      `${dir.path}/plugins.sqlite`,
    ),
    async close() {
      await proxy.close();
      await dataverse.close();
      await closeServer(scmServer);
      await scm.close();
      dir.remove();
    },
  };
}

const initialShipVias = (systems: Systems, ...extra: string[]) =>
  fsi(
    systems.variables,
    systems.dir.path,
    "sync",
    "initial",
    "--map",
    "ship-vias",
    "--direction",
    "scm-to-fs",
    "--batch-size",
    "10",
    ...extra,
  );

/** Ship vias in Dataverse as `name=description`, sorted; every mode of delivery once when the run is right. */
async function shipViasInDataverse(systems: Systems): Promise<string[]> {
  const rows = await dataverseRequest(
    systems.dataverse.url,
    "GET",
    "msdyn_shipvias?$select=msdyn_name,msdyn_description",
  );
  return (rows.json as { value: { msdyn_name: string; msdyn_description: string }[] }).value
    .map((row) => `${row.msdyn_name}=${row.msdyn_description}`)
    .sort();
}

const everyMode = Array.from({ length: MODES }, (_, n) => `M-${n}=Mode ${n}`).sort();

/** A write of rows: a CreateMultiple (how the run creates), or a `$batch` of change sets (its fall-back). */
const isWrite = (request: ProxiedRequest) =>
  request.method === "POST" && (request.url.endsWith("$batch") || request.url.includes("Microsoft.Dynamics.CRM."));
const isShipViaRead = (request: ProxiedRequest) => request.method === "GET" && request.url.includes("/msdyn_shipvias");

/** An HTTP date one second ahead (the format has whole seconds, so the wait is up to a second). */
const inOneSecond = (): string => new Date(Date.now() + 1_000).toUTCString();
/** An HTTP date already past (a server clock behind ours): no wait at all. */
const aMinuteAgo = (): string => new Date(Date.now() - 60_000).toUTCString();

describe("Dataverse throttles and stumbles during an initial sync", () => {
  let systems: Systems;
  beforeAll(async () => {
    systems = await startSystems();
  });
  afterAll(async () => {
    await systems.close();
  });

  it("waits out 429s whose Retry-After is an HTTP date (a read and a write), retries a 503, and copies every row once", async () => {
    let reads = 0;
    let batches = 0;
    systems.proxy.faultEach((request): FaultMode | undefined => {
      if (isShipViaRead(request) && ++reads === 1) return { kind: "status", status: 429, retryAfter: aMinuteAgo() };
      if (!isWrite(request)) return undefined;
      batches += 1;
      if (batches === 1) return { kind: "status", status: 429, retryAfter: inOneSecond() };
      if (batches === 2) return { kind: "status", status: 503 };
      return undefined;
    });

    const run = await initialShipVias(systems);

    expect([run.code, run.err]).toEqual([0, ""]);
    // What Retry-After asked for, summed (0 s and at most 1 s): read as dates, not as "absent" (1 s each).
    expect(run.out).toMatch(/Throttled 2 times \(429\); waited (0\.\d|1\.0) s as Retry-After asked\./);
    expect(run.out).toMatch(/ship-vias\s+30\s+0\s+0\s+0\s+0/);
    expect(systems.proxy.requests.filter((request) => request.outcome === "status")).toHaveLength(3);
    expect(await shipViasInDataverse(systems)).toEqual(everyMode);
  });
});

describe("Dataverse commits a write but the reply is lost", () => {
  let systems: Systems;
  beforeAll(async () => {
    systems = await startSystems();
  });
  afterAll(async () => {
    await systems.close();
  });

  it("stops the run rather than sending the batch again, and the resumed run finds its rows written", async () => {
    systems.proxy.fault({ kind: "drop-after-forward" }, { match: isWrite, times: 1 });

    const stopped = await initialShipVias(systems);
    expect(stopped.code).toBe(3);
    expect(stopped.err).toContain("the connection dropped after the request was sent");
    expect(stopped.err).toContain("run the same command again to resume");
    // The three batches went out side by side (x-ms-dop-hint), each once; none was sent again.
    expect(systems.proxy.requests.filter(isWrite)).toHaveLength(3);
    // Every batch landed, the one whose reply was lost too: each row once.
    expect(await shipViasInDataverse(systems)).toEqual(everyMode);

    const resumed = await initialShipVias(systems, "--json");
    expect(resumed.code).toBe(0);
    const report = JSON.parse(resumed.out) as {
      resumed: boolean;
      maps: { map: string; counts: Record<string, number> }[];
    };
    expect(report.resumed).toBe(true);
    expect(report.maps.find((map) => map.map === "ship-vias")?.counts).toEqual({
      created: 20,
      updated: 0,
      "written-back": 0,
      unchanged: 10,
      failed: 0,
    });
    expect(await shipViasInDataverse(systems)).toEqual(everyMode);
  });
});
