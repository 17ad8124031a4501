/**
 * Writes made at the same time in different systems, on unrelated rows, do not wait for each
 * other. Dataverse locks the rows a transaction writes, not the table or the organisation, and SCM
 * delivers its data events after commit, asynchronously: nothing holds SCM's write open while Field
 * Service is busy, and nothing holds a Field Service save open while SCM is busy with another row.
 * The proof is by order, never by time: a Dataverse save is held inside its synchronous step (the
 * webhook waits on a promise the test controls) while other saves, in both systems and in both
 * companies, complete; then it is released and both sides are reconciled field by field.
 */
import { type IncomingMessage, type ServerResponse, createServer } from "node:http";
import { closeServer, listen } from "@fsi/sandbox/http";
import {
  type Environment,
  dataverseRequest,
  dataverseRowByKey,
  scmRequest,
  settle,
  startEnvironment,
} from "../support/environment";
import { type LoadCompany, SAVES_PER_CLIENT, prepareCompanies, runConcurrentClients } from "../support/mixed-load";
import { eventually, warehouseRecordsOnBothSides } from "../support/reconcile";

/** Holds every webhook whose context mentions `held` until `release()`; passes the rest straight on. */
interface WebhookGate {
  held: string | undefined;
  /** How many webhook calls are held now. */
  waiting: number;
  release(): void;
}

let env: Environment;
let companies: readonly LoadCompany[];
let gate: WebhookGate;
let gateServer: ReturnType<typeof createServer>;

function startGate(target: string): { server: ReturnType<typeof createServer>; gate: WebhookGate } {
  let opened: () => void = () => undefined;
  let opening = new Promise<void>((resolve) => (opened = resolve));
  const state: WebhookGate = {
    held: undefined,
    waiting: 0,
    release() {
      this.held = undefined;
      opened();
      opening = new Promise<void>((resolve) => (opened = resolve));
    },
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      void (async () => {
        const body = Buffer.concat(chunks);
        if (state.held !== undefined && body.toString("utf8").includes(state.held)) {
          state.waiting += 1;
          await opening;
          state.waiting -= 1;
        }
        // What Dataverse sends a webhook: the body's type, the key, and the size-exceeded signal.
        const headers: Record<string, string> = {};
        for (const name of ["content-type", "x-fsi-webhook-key", "x-ms-dynamics-msg-size-exceeded"]) {
          const value = req.headers[name];
          if (typeof value === "string") headers[name] = value;
        }
        const reply = await fetch(`${target}${req.url ?? ""}`, { method: req.method ?? "POST", headers, body });
        res.writeHead(reply.status, { "content-type": reply.headers.get("content-type") ?? "application/json" });
        res.end(Buffer.from(await reply.arrayBuffer()));
      })();
    });
  });
  return { server, gate: state };
}

beforeAll(async () => {
  env = await startEnvironment({
    webhookOriginFor: async (hostUrl) => {
      const started = startGate(hostUrl);
      gateServer = started.server;
      gate = started.gate;
      return listen(gateServer, 0);
    },
  });
  companies = await prepareCompanies(env);
});

afterAll(async () => {
  gate.release();
  await settle(env);
  await env.close();
  await closeServer(gateServer);
});

function company(code: string): LoadCompany {
  const found = companies.find((candidate) => candidate.code === code);
  if (found === undefined) throw new Error(`no company ${code}`);
  return found;
}

const dataverseWarehouse = (identifier: string, of: LoadCompany, name = `Warehouse ${identifier}`) => ({
  msdyn_name: identifier,
  msdyn_description: name,
  msdyn_warehouseidentifier: identifier,
  msdyn_warehousetype: 192350002,
  "msdyn_company@odata.bind": `/cdm_companies(${of.companyId})`,
  "msdyn_operationalsite@odata.bind": `/msdyn_operationalsites(${of.siteId})`,
});

describe("writes at the same time on unrelated rows", () => {
  it("do not wait for a Field Service save held inside its synchronous step", async () => {
    const usmf = company("usmf");
    const dat = company("demf");
    // Two other warehouses already in Field Service (and so in SCM), to update while the save is held.
    const first = await dataverseRequest(
      env.dataverse.url,
      "POST",
      "msdyn_warehouses",
      dataverseWarehouse("2002", usmf),
    );
    expect(`${first.status} ${JSON.stringify(first.json)}`).toBe("204 undefined");
    expect(
      (await dataverseRequest(env.dataverse.url, "POST", "msdyn_warehouses", dataverseWarehouse("2004", usmf))).status,
    ).toBe(204);
    const otherId = String(
      (await dataverseRowByKey(env, "msdyn_warehouses", "msdyn_warehouseidentifier eq '2002'"))?.msdyn_warehouseid,
    );

    // Held by its name, which no other request carries (an id could occur inside a GUID).
    const heldName = "Held open in its synchronous step";
    gate.held = heldName;
    let heldDone = false;
    const held = dataverseRequest(
      env.dataverse.url,
      "POST",
      "msdyn_warehouses",
      dataverseWarehouse("2001", usmf, heldName),
    ).then((reply) => {
      heldDone = true;
      return reply;
    });
    await eventually(() => gate.waiting > 0, "the save's synchronous step is held");

    // An SCM write on an unrelated row in another company completes while the save is held.
    const inScm = await scmRequest(env.scmUrl, "POST", "Warehouses", {
      dataAreaId: "demf",
      WarehouseId: "DE-HLD-03",
      WarehouseName: "Created in SCM DE-HLD-03",
      WarehouseType: "Transit",
      OperationalSiteId: dat.siteCode,
      PrimaryAddressZipCode: "10115",
    });
    expect(inScm.status).toBe(201);
    // And an SCM update of another row of the held save's own company.
    expect(
      (
        await scmRequest(env.scmUrl, "PATCH", "Warehouses(dataAreaId='usmf',WarehouseId='2004')", {
          PrimaryAddressCity: "Tacoma",
        })
      ).status,
    ).toBe(204);
    // A Field Service save of another row (its own synchronous step included) completes too.
    expect(
      (
        await dataverseRequest(env.dataverse.url, "PATCH", `msdyn_warehouses(${otherId})`, {
          msdyn_description: "Renamed in FS 2002",
        })
      ).status,
    ).toBe(204);
    // SCM's data event brings its new row to Field Service while the save is still held.
    await eventually(
      async () =>
        (await dataverseRowByKey(env, "msdyn_warehouses", "msdyn_warehouseidentifier eq 'DE-HLD-03'")) !== undefined,
      "DE-HLD-03 reaches Field Service",
      15_000,
    );
    expect(heldDone).toBe(false);
    expect(gate.waiting).toBe(1);

    gate.release();
    expect((await held).status).toBe(204);
    await settle(env);
    const sides = await warehouseRecordsOnBothSides(env);
    expect(sides.dataverse).toEqual(sides.scm);
    expect(sides.scm.map((row) => row.key)).toEqual(
      expect.arrayContaining(["usmf/2001", "usmf/2002", "demf/DE-HLD-03"]),
    );
    expect(sides.scm.find((row) => row.key === "usmf/2002")).toMatchObject({ name: "Renamed in FS 2002" });
    expect(sides.scm.find((row) => row.key === "usmf/2004")).toMatchObject({ city: "Tacoma" });
  }, 60_000);

  it(`a mixed load of ${4 * SAVES_PER_CLIENT} saves over both systems from 4 clients ends with no 5xx and both sides equal`, async () => {
    const results = await runConcurrentClients(env, companies, 4);
    expect(results).toHaveLength(4 * SAVES_PER_CLIENT);
    expect(
      results.filter((result) => result.status !== result.expected).map(({ what, status }) => ({ what, status })),
    ).toEqual([]);
    await settle(env);
    const sides = await warehouseRecordsOnBothSides(env);
    expect(sides.dataverse).toEqual(sides.scm);
    // Every client's warehouses are there, changed by the other system.
    expect(sides.scm.filter((row) => row.name.startsWith("Changed in "))).toHaveLength(4 * (SAVES_PER_CLIENT / 2));
  }, 120_000);
});
