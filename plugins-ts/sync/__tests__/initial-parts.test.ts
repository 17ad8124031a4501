/**
 * The initial sync's parts that need no server: the map plan, the order of rows that name each
 * other, the `$batch` response reader, `Retry-After`, value comparison and the key index.
 */
import { warehouse } from "@fsi/core/dataverse/tables";
import { builtInMaps } from "@fsi/core/maps/built-in";
import { mapCatalog } from "../../services/map-catalog";
import { parseBatchResponse } from "../initial/dataverse-bulk";
import { type RetryPolicy, UnreachableError, retryAfterMs, sendWithRetry } from "../initial/http-retry";
import { DataverseKeyIndex } from "../initial/key-index";
import { type DirectionAdapter, type Keyed, orderBySelfReferences } from "../initial/map-sync";
import { MapPlanError, planMaps } from "../initial/plan";
import { sameFsValue } from "../initial/row-sides";

const catalog = mapCatalog(builtInMaps);

describe("planMaps", () => {
  it("puts a map after the maps its lookups point to, adding them unless told not to", () => {
    expect(planMaps(catalog, ["customer-assets", "warehouses"], true).map((plan) => plan.map.name)).toEqual([
      "operational-sites",
      "warehouses",
      "customer-asset-categories",
      "customer-assets",
    ]);
    expect(planMaps(catalog, ["warehouses"], false).map((plan) => plan.map.name)).toEqual(["warehouses"]);
    expect(planMaps(catalog, ["all"], true)).toHaveLength(builtInMaps.length);
  });

  it("names the self-lookups written in the second pass", () => {
    const [plan] = planMaps(catalog, ["warehouses"], false);
    expect(plan?.selfLookups.map((pair) => pair.dataverse)).toEqual([
      "msdyn_transitwarehouse",
      "msdyn_quarantinewarehouse",
      "msdyn_mainrefillingwarehouse",
    ]);
  });

  it("refuses an unknown map, naming the known ones", () => {
    expect(() => planMaps(catalog, ["depots"], true)).toThrow(
      new MapPlanError(
        "There is no map 'depots'; maps: operational-sites, warehouses, customer-asset-categories, customer-assets, payment-terms, ship-vias (or all).",
      ),
    );
  });
});

describe("orderBySelfReferences", () => {
  type Row = Keyed & { readonly names: readonly string[] };
  const order = (rows: readonly Row[]) =>
    orderBySelfReferences({
      sources: rows,
      selfColumns: new Set(["ref"]),
      selfReference: (source: Row) => source.names[0],
    } as unknown as DirectionAdapter<Row, Keyed, Record<string, unknown>>).map((row) => row.rowKey);
  const row = (key: string, ...names: string[]): Row => ({ rowKey: key, match: key, names });

  it("writes a named row before the rows naming it, else in key order", () => {
    expect(order([row("a", "d"), row("b"), row("c", "a"), row("d")])).toEqual(["b", "d", "a", "c"]);
  });

  it("handles long chains without recursion, and cycles (the back reference waits for pass 2)", () => {
    const chain = Array.from({ length: 20_000 }, (_, n) =>
      row(`k${String(n).padStart(5, "0")}`, ...(n === 0 ? [] : [`k${String(n - 1).padStart(5, "0")}`])),
    );
    expect(order([...chain].reverse())).toEqual(chain.map((entry) => entry.rowKey));
    expect(order([row("x", "y"), row("y", "x"), row("z", "z")])).toEqual(["y", "z", "x"]);
  });
});

describe("parseBatchResponse", () => {
  it("reads each part's Content-ID, status and error message, change sets included", () => {
    const text = [
      "--batchresponse_1",
      "Content-Type: multipart/mixed; boundary=changesetresponse_2",
      "",
      "--changesetresponse_2",
      "Content-Type: application/http",
      "Content-Transfer-Encoding: binary",
      "Content-ID: 3",
      "",
      "HTTP/1.1 412 Precondition Failed",
      "Content-Type: application/json; odata.metadata=minimal",
      "OData-Version: 4.0",
      "",
      '{"error":{"code":"0x80040237","message":"A record with matching key values already exists."}}',
      "--changesetresponse_2--",
      "--batchresponse_1--",
      "",
    ].join("\r\n");
    expect(parseBatchResponse(text)).toEqual([
      { contentId: 3, status: 412, message: "A record with matching key values already exists." },
    ]);
  });
});

describe("Retry-After", () => {
  it("reads delay-seconds and HTTP dates", () => {
    expect(retryAfterMs("2")).toBe(2000);
    expect(retryAfterMs("0.5")).toBe(500);
    expect(retryAfterMs("Wed, 21 Oct 2026 07:28:05 GMT", Date.parse("Wed, 21 Oct 2026 07:28:00 GMT"))).toBe(5000);
    expect(retryAfterMs(null)).toBe(1000);
  });

  it("waits as long as a 429 says, retries gateway failures with backoff, and gives up on silence", async () => {
    const waits: number[] = [];
    const policy: RetryPolicy = {
      maxThrottledAttempts: 5,
      maxTransientAttempts: 3,
      backoffMs: 100,
      sleep: (ms) => Promise.resolve(void waits.push(ms)),
    };
    const replies = [
      new Response("", { status: 429, headers: { "retry-after": "7" } }),
      new Response("", { status: 503 }),
      new Response("ok", { status: 200 }),
    ];
    const stats = { throttled: 0, waitedMs: 0 };
    const reply = await sendWithRetry(
      () => Promise.resolve(replies.shift() ?? new Response("", { status: 500 })),
      "test",
      policy,
      stats,
    );
    expect(await reply.text()).toBe("ok");
    expect(waits).toEqual([7000, 100]);
    expect(stats).toEqual({ throttled: 1, waitedMs: 7000 });
    await expect(
      sendWithRetry(() => Promise.reject(new Error("ECONNREFUSED")), "Dataverse GET x", policy, stats),
    ).rejects.toThrow(new UnreachableError("Dataverse GET x: no answer after 3 attempts (ECONNREFUSED)."));
  });
});

describe("comparison and the key index", () => {
  it("compares values as Dataverse stores them", () => {
    expect(sameFsValue(warehouse.columns.msdyn_name, "", null)).toBe(true);
    expect(sameFsValue(warehouse.columns.msdyn_name, "a", "A")).toBe(false);
    expect(sameFsValue(warehouse.columns.msdyn_primaryaddresslatitude, 47.1, 47.100000000001)).toBe(true);
    expect(sameFsValue(warehouse.columns.fsi_scmlastsyncedon, "2024-05-01T08:00:00Z", "2024-05-01T08:00:00.000Z")).toBe(
      true,
    );
    expect(
      sameFsValue(
        warehouse.columns.msdyn_operationalsite,
        { id: "AB", logicalName: "msdyn_operationalsite" },
        { id: "ab", logicalName: "msdyn_operationalsite", name: "Seattle" },
      ),
    ).toBe(true);
    expect(
      sameFsValue(warehouse.columns.msdyn_operationalsite, { id: "ab", logicalName: "msdyn_operationalsite" }, null),
    ).toBe(false);
  });

  it("finds rows by key within a company (case-insensitively) or in any, and forgets removed ones", () => {
    const index = new DataverseKeyIndex();
    index.add("msdyn_warehouse", "ID-1", "W1", "usmf");
    index.add("msdyn_warehouse", "id-2", "W1", "demf");
    expect(index.idOf("msdyn_warehouse", "w1", "USMF")).toBe("id-1");
    expect(index.idOf("msdyn_warehouse", "W1", "demf")).toBe("id-2");
    expect(index.idOf("msdyn_warehouse", "W1", undefined)).toBe("id-1");
    expect(index.keyOf("msdyn_warehouse", "id-2")).toBe("W1");
    index.remove("msdyn_warehouse", "id-1");
    expect(index.idOf("msdyn_warehouse", "W1", "usmf")).toBeUndefined();
    expect(index.has("msdyn_warehouse")).toBe(true);
    expect(index.has("account")).toBe(false);
  });
});
