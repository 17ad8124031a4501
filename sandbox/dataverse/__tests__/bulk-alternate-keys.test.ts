import { startApi, type TestApi } from "./helpers";

const TYPE = "Microsoft.Dynamics.CRM.product";

/**
 * Alternate keys inside one bulk request's transaction: the rows the request has written so far
 * count as the table's rows (a unique index sees them), with their values as last written.
 */
describe("alternate keys within one CreateMultiple / UpdateMultiple transaction", () => {
  let api: TestApi;

  beforeEach(async () => {
    api = await startApi();
  });
  afterEach(async () => {
    await api.close();
  });

  const product = (productnumber: string) => ({ "@odata.type": TYPE, name: `Item ${productnumber}`, productnumber });
  const bulk = (action: "CreateMultiple" | "UpdateMultiple", targets: unknown[]) =>
    api.call(`products/Microsoft.Dynamics.CRM.${action}`, { body: { Targets: targets } });
  const numbers = async () =>
    (await api.call("products?$select=productnumber&$orderby=productnumber")).json.value?.map(
      (row) => row.productnumber,
    );

  it("refuses two rows of one request with the same key (412 DuplicateRecord), and writes neither", async () => {
    const reply = await bulk("CreateMultiple", [product("A-1"), product("A-2"), product("a-1")]);
    expect(reply.status).toBe(412);
    expect(reply.json.error?.code).toBe("0x80040237");
    expect(await numbers()).toEqual([]);
  });

  it("sees a key a row of the same request has just given up", async () => {
    const ids = (await bulk("CreateMultiple", [product("K-1"), product("K-2")])).json.Ids as string[];
    const moved = await bulk("UpdateMultiple", [
      { "@odata.type": TYPE, productid: ids[0], productnumber: "K-3" },
      { "@odata.type": TYPE, productid: ids[1], productnumber: "K-1" },
    ]);
    expect(moved.status).toBe(204);
    expect(await numbers()).toEqual(["K-1", "K-3"]);
    const taken = await bulk("UpdateMultiple", [
      { "@odata.type": TYPE, productid: ids[0], productnumber: "K-5" },
      { "@odata.type": TYPE, productid: ids[1], productnumber: "k-5" },
    ]);
    expect(taken.status).toBe(412);
    expect(await numbers()).toEqual(["K-1", "K-3"]);
  });
});
