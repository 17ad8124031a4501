/**
 * Conflict detection under Azure Functions. A function cannot see its caller's connection, so the
 * entry tells that Dataverse stopped waiting by Dataverse's webhook timeout. Here Dataverse's
 * webhooks reach the host through the Functions entry (a server standing in for the Functions host,
 * invoking the `webhooks` function with @azure/functions' own HttpRequest), SCM answers the sync
 * step's write only after Dataverse gave up and rolled the save back — and the host logs the loser
 * and queues the resync that sets SCM back to Dataverse's row, so both systems end equal.
 */
import { type IncomingMessage, type Server, type ServerResponse, createServer } from "node:http";
import { HttpRequest, InvocationContext } from "@azure/functions";
import { closeServer, listen } from "@fsi/sandbox/http";
import { dataverseRequest, settle } from "../../__tests__/support/environment";
import {
  type OutageSetup,
  createWarehouse,
  scmDataWrites,
  startOutageEnvironment,
} from "../../__tests__/support/outage";
import { eventually, warehouseRecordsOnBothSides } from "../../__tests__/support/reconcile";
import type { PluginHost } from "../../host/plugin-host";
import { pluginFunctions } from "../functions";

/** Dataverse's webhook timeout in this test, and the Functions entry's knowledge of it. */
const WEBHOOK_TIMEOUT_MS = 400;

let setup: OutageSetup;
let functionsHost: Server | undefined;

/** Stands in for the Functions host: each request becomes an invocation of the `webhooks` function. */
async function startFunctionsHost(host: PluginHost): Promise<string> {
  const webhooks = pluginFunctions(() => host, { waitMs: WEBHOOK_TIMEOUT_MS }).find((fn) => fn.name === "webhooks");
  if (webhooks === undefined) throw new Error("no webhooks function");
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const headers = Object.fromEntries(
        Object.entries(req.headers).map(([name, value]) => [
          name,
          Array.isArray(value) ? value.join(", ") : (value ?? ""),
        ]),
      );
      const url = new URL(req.url ?? "/", "https://fsi-plugins.azurewebsites.net");
      const request = new HttpRequest({
        method: req.method ?? "POST",
        url: url.toString(),
        headers,
        body: { string: Buffer.concat(chunks).toString("utf8") },
        params: { handler: url.pathname.split("/").pop() ?? "" },
      });
      void webhooks
        .handler(request, new InvocationContext({ functionName: "webhooks", logHandler: () => undefined }))
        .then((response) => {
          if (res.destroyed) return;
          res
            .writeHead(response.status ?? 200, response.headers as Record<string, string>)
            .end(response.body as string);
        });
    });
  });
  functionsHost = server;
  return listen(server, 0);
}

beforeAll(async () => {
  setup = await startOutageEnvironment("fail-closed", {
    scmTimeoutMs: 10_000,
    webhookOriginFor: (_hostUrl, host) => startFunctionsHost(host),
  });
});

afterAll(async () => {
  await setup.close();
  if (functionsHost !== undefined) await closeServer(functionsHost);
});

it("notices through the Functions entry that Dataverse stopped waiting, and sets SCM back to Dataverse's row", async () => {
  const id = await createWarehouse(setup, "8801", "Original 8801");
  setup.env.dataverse.emulator.setWebhookTimeout(WEBHOOK_TIMEOUT_MS);
  let release: () => void = () => undefined;
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  setup.proxy.fault({ kind: "hold", until: held }, { match: scmDataWrites, times: 1 });

  const save = await dataverseRequest(setup.env.dataverse.url, "PATCH", `msdyn_warehouses(${id})`, {
    msdyn_description: "Given up 8801",
  });
  // Dataverse's wait ran out: its save is rolled back. Only now does SCM get the write.
  expect(save.status).toBe(400);
  setup.env.dataverse.emulator.setWebhookTimeout(60_000);
  release();
  await setup.proxy.settled();

  await eventually(
    () => setup.env.logs.some((entry) => entry.message.startsWith("Conflict: Dataverse stopped waiting")),
    "the host noticed Dataverse gave up",
  );
  expect(
    (await setup.env.host.queue.pending()).filter((change) => change.resync).map((change) => change.rowKey),
  ).toEqual(["usmf/8801"]);
  expect(await setup.env.host.replayQueue()).toMatchObject({ failed: 0, remaining: 0 });
  await settle(setup.env);
  const sides = await warehouseRecordsOnBothSides(setup.env);
  expect(sides.dataverse).toEqual(sides.scm);
  // SCM's data event of the late write may reach Field Service before the resync is queued (SCM
  // sends it right after its commit): both systems then end with that write, else with Dataverse's.
  expect(sides.scm.filter((row) => row.key === "usmf/8801").map((row) => row.name)).toEqual([
    expect.stringMatching(/^(Original|Given up) 8801$/),
  ]);
});
