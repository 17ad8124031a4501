import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { warehouse } from "@fsi/core";
import { registerWebhook } from "../registration";
import { createCompany, createWarehouse, startApi, startReceiver, type Receiver, type TestApi } from "./helpers";

/**
 * The emulator keeps the steps it read until a registration row changes: each change must take
 * effect from the next request on, whether the database is in memory (reads go through the writer)
 * or a file (a second, read-only connection sees only committed rows).
 */
describe.each([
  ["in memory", false],
  ["in a file", true],
])("step registrations changed between requests (database %s)", (_kind, inFile) => {
  let api: TestApi;
  let receiver: Receiver;
  let company: string;
  let folder: string | undefined;

  beforeEach(async () => {
    folder = inFile ? mkdtempSync(path.join(os.tmpdir(), "fsi-steps-")) : undefined;
    api = await startApi(folder === undefined ? {} : { databasePath: path.join(folder, "dataverse.sqlite") });
    receiver = await startReceiver();
    company = await createCompany(api);
  });
  afterEach(async () => {
    await receiver.close();
    await api.close();
    if (folder !== undefined) rmSync(folder, { recursive: true, force: true });
  });

  it("runs a step registered after creates, stops when it is disabled, runs again when enabled", async () => {
    expect((await createWarehouse(api, company, "1")).status).toBe(204);
    const { stepIds } = await registerWebhook(api.server.emulator, { name: "Receiver", url: receiver.url }, [
      { name: "Warehouse create", message: "Create", table: warehouse, stage: 40 },
    ]);
    expect((await createWarehouse(api, company, "2")).status).toBe(204);
    expect(receiver.calls).toHaveLength(1);

    const step = stepIds[0] ?? "";
    expect(
      (await api.call(`sdkmessageprocessingsteps(${step})`, { method: "PATCH", body: { statecode: 1, statuscode: 2 } }))
        .status,
    ).toBe(204);
    expect((await createWarehouse(api, company, "3")).status).toBe(204);
    expect(receiver.calls).toHaveLength(1);

    expect(
      (await api.call(`sdkmessageprocessingsteps(${step})`, { method: "PATCH", body: { statecode: 0, statuscode: 1 } }))
        .status,
    ).toBe(204);
    expect((await createWarehouse(api, company, "4")).status).toBe(204);
    expect(receiver.calls).toHaveLength(2);
  });

  it("stops running a step whose registration is deleted", async () => {
    const { stepIds } = await registerWebhook(api.server.emulator, { name: "Receiver", url: receiver.url }, [
      { name: "Warehouse create", message: "Create", table: warehouse, stage: 40 },
    ]);
    expect((await createWarehouse(api, company, "1")).status).toBe(204);
    expect(receiver.calls).toHaveLength(1);
    expect((await api.call(`sdkmessageprocessingsteps(${stepIds[0] ?? ""})`, { method: "DELETE" })).status).toBe(204);
    expect((await createWarehouse(api, company, "2")).status).toBe(204);
    expect(receiver.calls).toHaveLength(1);
  });
});
