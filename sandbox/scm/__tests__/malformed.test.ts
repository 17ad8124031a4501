import { type Collection, type ODataError, type RunningScm, call, startScm } from "./harness";

describe("SCM emulator refuses malformed requests clearly and keeps serving", () => {
  let running: RunningScm;
  let data: string;

  beforeAll(async () => {
    running = await startScm({ bodyLimitBytes: 16 * 1024 });
    data = `${running.url}/scm/data`;
  });

  afterAll(async () => {
    await running.close();
  });

  const stillServing = async (): Promise<void> => {
    const reply = await call<Collection>(`${data}/OperationalSites?$top=1`, "GET");
    expect(reply.status).toBe(200);
    expect(reply.body.value).toHaveLength(1);
  };

  it.each([
    [
      "$filter=WarehouseId eq 'x",
      "InvalidQuery.syntax",
      "string literal is not closed",
      { option: "$filter", position: 15 },
    ],
    ["$filter=(WarehouseId eq 'x'", "InvalidQuery.syntax", "'(' is never closed", { option: "$filter", position: 0 }],
    ["$filter=WarehouseId eqq 'x'", "InvalidQuery.syntax", "position 11", { option: "$filter", position: 11 }],
    [
      "$filter=Colour eq 'red'",
      "InvalidQuery.unknownProperty",
      "'Colour'",
      { option: "$filter", position: 0, property: "Colour" },
    ],
    [
      "$filter=PrimaryAddressLatitude eq 'north'",
      "InvalidQuery.typeMismatch",
      "PrimaryAddressLatitude",
      { option: "$filter", position: 0, property: "PrimaryAddressLatitude" },
    ],
    [
      "$filter=tolower(WarehouseName) eq 'x'",
      "InvalidQuery.unsupportedFunction",
      "tolower",
      { option: "$filter", position: 0, functionName: "tolower" },
    ],
    ["$orderby=WarehouseName sideways", "InvalidQuery.syntax", "$orderby", { option: "$orderby", position: 0 }],
    [
      "$select=WarehouseId,Colour",
      "InvalidQuery.unknownProperty",
      "'Colour'",
      { option: "$select", position: 12, property: "Colour" },
    ],
    ["$top=-5", "InvalidQuery.invalidOptionValue", "non-negative", { option: "$top" }],
    ["$expand=Site", "InvalidQuery.unsupportedOption", "$expand", { option: "$expand" }],
  ])("answers %s with a 400 that says what is wrong", async (query, code, fragment, info) => {
    const [name, value] = [query.slice(0, query.indexOf("=")), query.slice(query.indexOf("=") + 1)];
    const reply = await call<ODataError>(`${data}/Warehouses?${name}=${encodeURIComponent(value)}`, "GET");
    expect(reply.status).toBe(400);
    expect(reply.body.error.code).toBe(code);
    expect(reply.body.error.message).toContain(fragment);
    expect(reply.body.error.info).toEqual(info);
    expect(reply.body.error.innererror.type).toBe("Microsoft.OData.ODataException");
    await stillServing();
  });

  it("answers malformed JSON with the position of the error", async () => {
    const reply = await call<ODataError>(
      `${data}/ModesOfDelivery`,
      "POST",
      '{ "ModeCode": "AIR",\n  "ModeDescription": }',
    );
    expect(reply.status).toBe(400);
    expect(reply.body.error.code).toBe("INVALID_JSON");
    expect(reply.body.error.info).toEqual({ position: 42, line: 2, column: 22 });
    expect(reply.body.error.message).toContain("line 2, column 22");
    await stillServing();
  });

  it("refuses a JSON body that is not an object, and a form-encoded body", async () => {
    const array = await call<ODataError>(`${data}/ModesOfDelivery`, "POST", "[1, 2]");
    expect(array.status).toBe(400);
    expect(array.body.error.message).toContain("JSON object");
    const form = await fetch(`${data}/ModesOfDelivery`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "ModeCode=AIR",
    });
    expect(form.status).toBe(415);
    await stillServing();
  });

  it("refuses an oversize body with 413 and keeps serving", async () => {
    const reply = await call<ODataError>(`${data}/ModesOfDelivery`, "POST", {
      ModeCode: "BIG",
      ModeDescription: "x".repeat(20 * 1024),
    });
    expect(reply.status).toBe(413);
    expect(reply.body.error.code).toBe("PAYLOAD_TOO_LARGE");
    expect(reply.body.error.message).toContain("16384 bytes");
    await stillServing();
  });

  it("answers unknown paths under /scm with 404 in the OData error shape", async () => {
    const reply = await call<ODataError>(`${running.url}/scm/nothing-here`, "GET");
    expect(reply.status).toBe(404);
    expect(reply.body.error.code).toBe("NOT_FOUND");
    const metadata = await call<ODataError>(`${data}/$metadata`, "GET");
    expect(metadata.status).toBe(501);
    const badEncoding = await call<ODataError>(`${data}/Warehouses(dataAreaId=%27us%ZZ%27)`, "GET");
    expect(badEncoding.status).toBe(400);
    await stillServing();
  });
});
