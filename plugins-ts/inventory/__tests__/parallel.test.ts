/**
 * How many chunks a batch run applies at once: the caller's number, else the degree of
 * parallelism Dataverse recommends in `x-ms-dop-hint` (PA `developer/data-platform/send-parallel-requests.md`),
 * read from Dataverse's answers, within bounds; and a throttle (429) Dataverse asks to wait out
 * for longer than the request layer waits stops the run without failing any row.
 */
import { product } from "@fsi/core/dataverse/tables";
import { type ApiRequest, errorResponse } from "@fsi/sandbox/dataverse/api";
import { requestLimitExceeded } from "@fsi/sandbox/dataverse/errors";
import { DEFAULT_DOP_HINT } from "@fsi/sandbox/dataverse/limits";
import { DataverseClient } from "../../services/dataverse-client";
import { DEFAULT_CONCURRENCY, MAX_CONCURRENCY, workersFor } from "../batch/parallel";
import { INTEGRATION_TOKEN, type InventoryEnvironment, startInventoryEnvironment } from "./support/environment";

describe("batch parallelism", () => {
  let env: InventoryEnvironment;
  let hint: string | undefined;
  /** While set, Dataverse throttles the engine's user with this Retry-After. */
  let retryAfter: number | undefined;

  beforeAll(async () => {
    env = await startInventoryEnvironment({ settings: { maps: { "on-hand": { mode: "batch" } } } });
    const emulator = env.dataverse.emulator;
    const handle = emulator.handle.bind(emulator);
    // Dataverse sends its recommendation with every answer.
    emulator.handle = async (request: ApiRequest) => {
      if (retryAfter !== undefined && request.headers.authorization === `Bearer ${INTEGRATION_TOKEN}`)
        return errorResponse(requestLimitExceeded(6000, 300, retryAfter));
      const response = await handle(request);
      return hint === undefined ? response : { ...response, headers: { ...response.headers, "x-ms-dop-hint": hint } };
    };
  });
  afterAll(async () => {
    await env.close();
  });

  it("follows the x-ms-dop-hint of Dataverse's answers unless the caller says", async () => {
    const client = new DataverseClient({
      url: env.dataverse.url,
      accessToken: () => Promise.resolve(INTEGRATION_TOKEN),
    });
    const read = () => client.findByKey(product, { productnumber: "A0001" }, ["name"]);
    hint = undefined;
    expect(await read()).toBeDefined();
    // The emulator's own hint when nothing else is sent.
    expect(client.recommendedParallelism).toBe(DEFAULT_DOP_HINT);
    hint = "7";
    expect(await read()).toBeDefined();
    expect(client.recommendedParallelism).toBe(7);
    expect(workersFor(undefined, client.recommendedParallelism)).toBe(7);
    expect(workersFor(2, client.recommendedParallelism)).toBe(2);
    // The engine's run works with the hint in its answers.
    expect(await env.engine.runBatch("on-hand")).toMatchObject({ status: "succeeded", failed: 0 });
    hint = "64";
    expect(await read()).toBeDefined();
    expect(workersFor(undefined, client.recommendedParallelism)).toBe(MAX_CONCURRENCY);
    expect(workersFor(undefined, undefined)).toBe(DEFAULT_CONCURRENCY);
    expect(workersFor(0, undefined)).toBe(1);
  });

  it("stops a run Dataverse throttles for longer than it waits, keeping no row as failed", async () => {
    const client = new DataverseClient({
      url: env.dataverse.url,
      accessToken: () => Promise.resolve(INTEGRATION_TOKEN),
    });
    retryAfter = 120;
    try {
      await expect(client.findByKey(product, { productnumber: "A0001" }, [])).rejects.toMatchObject({
        status: 429,
        retryAfterSeconds: 120,
      });
      const run = await env.engine.runBatch("on-hand", { full: true });
      expect(run).toMatchObject({ status: "failed", failed: 0 });
      expect(run.error).toContain("429");
    } finally {
      retryAfter = undefined;
    }
    expect((await env.engine.batchStatus()).find((status) => status.map === "on-hand")?.pendingRows).toBe(0);
    // The next run goes on from the checkpoint.
    expect(await env.engine.runBatch("on-hand", { full: true })).toMatchObject({ status: "succeeded", failed: 0 });
  });
});
