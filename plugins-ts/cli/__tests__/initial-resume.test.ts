/**
 * The initial sync killed half-way: `bin/fsi.js` runs as a child process (as `npx fsi` would),
 * SCM is reached through a gate that stops answering after a number of writes (SCM changesets of
 * a batch each, several batches in flight), and the child is killed with SIGKILL while writes
 * hang — no cleanup, mid-batch, one changeset committed in SCM but never answered. The next
 * invocation resumes from the checkpoint in the state file and ends with both sides equal and no
 * row written twice.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:http";
import { join } from "node:path";
import { ScmSyncStatus } from "@fsi/core/dataverse/tables";
import { closeServer, listen } from "@fsi/sandbox/http";
import { type Environment, dataverseRowByKey, startEnvironment } from "../../__tests__/support/environment";
import { type EventRecorder, recordScmEvents } from "../../__tests__/support/event-recorder";
import { InitialSyncStore } from "../../sync/initial-sync-store";
import { openSyncDatabase } from "../../sync/sync-database";
import { TRANSIT, type TempDir, cliEnvironment, createFs, fsRows, fsi, scmRows, tempDir } from "./support";

const WAREHOUSES = 60;
const BATCH = 10;
/**
 * The gate answers this many SCM writes (the site's changeset, then two warehouse batches); it
 * passes the next one on to SCM but never answers it, and holds every later one.
 */
const ANSWERED_WRITES = 3;

interface WriteGate {
  readonly url: string;
  /** Resolves when a write is being held. */
  readonly holding: Promise<void>;
  close(): Promise<void>;
}

/** A proxy in front of SCM that forwards reads, and writes until `limit`; the next write reaches SCM unanswered, later ones not at all. */
async function startWriteGate(target: string, limit: number): Promise<WriteGate> {
  let writes = 0;
  let signalHolding: () => void = () => undefined;
  const holding = new Promise<void>((resolve) => {
    signalHolding = resolve;
  });
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      let answer = true;
      if (req.method !== "GET") {
        writes += 1;
        if (writes > limit + 1) return;
        answer = writes <= limit;
      }
      const headers = Object.fromEntries(
        Object.entries(req.headers).flatMap(([name, value]) =>
          value === undefined || name === "host" || name === "content-length" ? [] : [[name, String(value)]],
        ),
      );
      void fetch(`${target}${req.url ?? ""}`, {
        method: req.method ?? "GET",
        headers,
        body: chunks.length === 0 ? undefined : Buffer.concat(chunks),
      }).then(async (reply) => {
        const body = Buffer.from(await reply.arrayBuffer());
        // SCM has committed the write; its caller never hears so.
        if (!answer) signalHolding();
        else
          res
            .writeHead(reply.status, { "content-type": reply.headers.get("content-type") ?? "application/json" })
            .end(body);
      });
    });
  });
  const url = await listen(server, 0);
  return {
    url,
    holding,
    close: async () => {
      const closed = closeServer(server);
      server.closeAllConnections();
      await closed;
    },
  };
}

let env: Environment;
let dir: TempDir;
let statePath: string;
let gate: WriteGate;
let events: EventRecorder;

beforeAll(async () => {
  dir = tempDir();
  statePath = join(dir.path, "plugins.sqlite");
  env = await startEnvironment({ statePath });
  const company = `/cdm_companies(${env.companyId})`;
  const site = await createFs(env, "msdyn_operationalsites", {
    msdyn_siteid: "S1",
    msdyn_name: "Seattle",
    "msdyn_company@odata.bind": company,
  });
  for (let n = 0; n < WAREHOUSES; n += 1) {
    await createFs(env, "msdyn_warehouses", {
      msdyn_warehouseidentifier: String(6000 + n),
      msdyn_name: String(6000 + n),
      msdyn_description: `Warehouse ${6000 + n}`,
      msdyn_warehousetype: TRANSIT,
      "msdyn_company@odata.bind": company,
      "msdyn_operationalsite@odata.bind": `/msdyn_operationalsites(${site})`,
    });
  }
  const origin = new URL(env.scmUrl).origin;
  gate = await startWriteGate(origin, ANSWERED_WRITES);
  events = await recordScmEvents(env.scmUrl);
});

afterAll(async () => {
  await events.close();
  await gate.close();
  await env.close();
  dir.remove();
});

function runChild(variables: Record<string, string>, args: readonly string[]): ChildProcess {
  const bin = join(__dirname, "..", "..", "..", "bin", "fsi.js");
  return spawn(process.execPath, [bin, ...args], {
    cwd: dir.path,
    env: { PATH: process.env.PATH ?? "", ...variables },
    stdio: ["ignore", "pipe", "pipe"],
  });
}

describe("an initial sync killed half-way (SIGKILL)", () => {
  it("resumes from its checkpoint and ends with equal sides and no duplicates", async () => {
    const variables = cliEnvironment(env, dir.path, statePath);
    const child = runChild({ ...variables, FSI_SCM_URL: `${gate.url}/scm` }, [
      "sync",
      "initial",
      "--map",
      "warehouses",
      "--direction",
      "fs-to-scm",
      "--batch-size",
      String(BATCH),
    ]);
    let childOutput = "";
    child.stdout?.on("data", (chunk: Buffer) => (childOutput += chunk.toString()));
    child.stderr?.on("data", (chunk: Buffer) => (childOutput += chunk.toString()));
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.on("exit", (_code, signal) => {
        resolve(signal);
      }),
    );

    await gate.holding;
    expect(childOutput).toContain("Initial sync run 1, fs-to-scm, master fs: operational-sites → warehouses");
    // The site and the two answered batches get checkpointed; a third batch is in SCM, unanswered.
    const db = openSyncDatabase(statePath);
    const store = new InitialSyncStore(db);
    while ((await store.finishedCount(1)) < 1 + 2 * BATCH) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await store.finishedCount(1)).toBe(1 + 2 * BATCH);
    db.close();
    child.kill("SIGKILL");
    expect(await exited).toBe("SIGKILL");
    expect((await scmRows(env, "Warehouses")).length).toBe(3 * BATCH);

    await events.drained();

    const before = events.events.length;
    const resumed = await fsi(
      variables,
      dir.path,
      "sync",
      "initial",
      "--map",
      "warehouses",
      "--direction",
      "fs-to-scm",
      "--batch-size",
      String(BATCH),
      "--json",
    );
    expect(resumed.code).toBe(0);
    const report = JSON.parse(resumed.out) as {
      runId: number;
      resumed: boolean;
      alreadyFinished: number;
      maps: { map: string; counts: Record<string, number> }[];
    };
    expect(report).toMatchObject({ runId: 1, resumed: true, alreadyFinished: 1 + 2 * BATCH });
    // 20 created before the kill, 30 now; the batch SCM committed unanswered is found equal.
    expect(report.maps.find((map) => map.map === "warehouses")?.counts).toEqual({
      created: WAREHOUSES - BATCH,
      updated: 0,
      "written-back": 0,
      unchanged: BATCH,
      failed: 0,
    });

    await events.drained();
    const creates = events.events.slice(before).filter((event) => event.operation === "Create");
    expect(creates).toHaveLength(WAREHOUSES - 3 * BATCH);
    const scm = await scmRows(env, "Warehouses");
    const ids = scm.map((row) => String(row.WarehouseId));
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.sort()).toEqual(
      (await fsRows(env, "msdyn_warehouses")).map((row) => String(row.msdyn_warehouseidentifier)).sort(),
    );
    expect(ids).toHaveLength(WAREHOUSES);
    expect(await dataverseRowByKey(env, "msdyn_warehouses", "msdyn_warehouseidentifier eq '6022'")).toMatchObject({
      fsi_scmsyncstatus: ScmSyncStatus.Synced,
    });
  });
});
