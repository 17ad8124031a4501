import { createCompany, createWarehouse, entityIdOf, startApi, type TestApi } from "./helpers";

const ANNOTATIONS = 'odata.include-annotations="*"';

describe("Dataverse emulator: queries", () => {
  let api: TestApi;
  let usmf: string;
  let demf: string;

  beforeAll(async () => {
    api = await startApi();
    usmf = await createCompany(api, "usmf");
    demf = await createCompany(api, "demf");
    const rows: [string, string, string, number, number | null][] = [
      [usmf, "W01", "Seattle Central", 192350000, 47.6],
      [usmf, "W02", "Redmond Quarantine", 192350001, 47.67],
      [usmf, "W03", "Tacoma Transit", 192350002, 47.25],
      [demf, "W04", "Berlin Central", 192350000, 52.52],
      [demf, "W05", "Hamburg 100% Stock", 192350000, null],
    ];
    for (const [company, identifier, name, type, latitude] of rows) {
      const reply = await createWarehouse(api, company, identifier, {
        msdyn_name: name,
        msdyn_warehousetype: type,
        msdyn_primaryaddresslatitude: latitude,
      });
      expect(reply.status).toBe(204);
    }
  });
  afterAll(() => api.close());

  const names = (value: Record<string, unknown>[] | undefined) => (value ?? []).map((row) => row.msdyn_name);

  it("selects columns, always adding the primary id", async () => {
    const reply = await api.call("msdyn_warehouses?$select=msdyn_name&$top=1");
    expect(reply.json["@odata.context"]).toBe(`${api.server.apiUrl}$metadata#msdyn_warehouses(msdyn_name)`);
    expect(Object.keys(reply.json.value?.[0] ?? {})).toEqual(["@odata.etag", "msdyn_name", "msdyn_warehouseid"]);
  });

  it("filters with comparisons, and/or/not, text functions, null checks and lookup values", async () => {
    const query = async (filter: string) =>
      names(
        (
          await api.call(
            `msdyn_warehouses?$select=msdyn_name&$orderby=msdyn_name&$filter=${encodeURIComponent(filter)}`,
          )
        ).json.value,
      );
    expect(await query("msdyn_primaryaddresslatitude gt 47.5 and msdyn_primaryaddresslatitude lt 50")).toEqual([
      "Redmond Quarantine",
      "Seattle Central",
    ]);
    expect(await query("msdyn_warehousetype eq 192350001 or msdyn_warehousetype eq 192350002")).toEqual([
      "Redmond Quarantine",
      "Tacoma Transit",
    ]);
    expect(await query("not (msdyn_warehousetype eq 192350000)")).toEqual(["Redmond Quarantine", "Tacoma Transit"]);
    expect(await query("contains(msdyn_name,'central')")).toEqual(["Berlin Central", "Seattle Central"]);
    expect(await query("contains(msdyn_name,'100%')")).toEqual(["Hamburg 100% Stock"]);
    expect(await query("startswith(msdyn_name,'Red')")).toEqual(["Redmond Quarantine"]);
    expect(await query("endswith(msdyn_name,'Transit')")).toEqual(["Tacoma Transit"]);
    expect(await query("msdyn_primaryaddresslatitude eq null")).toEqual(["Hamburg 100% Stock"]);
    expect(await query(`_msdyn_company_value eq ${demf}`)).toEqual(["Berlin Central", "Hamburg 100% Stock"]);
    expect(await query(`_msdyn_company_value ne ${demf} and msdyn_primaryaddresslatitude ne null`)).toEqual([
      "Redmond Quarantine",
      "Seattle Central",
      "Tacoma Transit",
    ]);
  });

  it("orders, limits with $top and counts with $count", async () => {
    const reply = await api.call(
      "msdyn_warehouses?$select=msdyn_name&$orderby=msdyn_primaryaddresslatitude desc&$top=2&$count=true",
    );
    expect(names(reply.json.value)).toEqual(["Berlin Central", "Redmond Quarantine"]);
    expect(reply.json["@odata.count"]).toBe(5);
    expect(reply.json["@odata.nextLink"]).toBeUndefined();
  });

  it("pages with Prefer: odata.maxpagesize and @odata.nextLink until the last page", async () => {
    const seen: unknown[] = [];
    let url: string | undefined = `${api.server.apiUrl}msdyn_warehouses?$select=msdyn_name&$orderby=msdyn_name`;
    let pages = 0;
    while (url !== undefined) {
      const response: Response = await fetch(url, {
        headers: { authorization: "Bearer t", prefer: "odata.maxpagesize=2" },
      });
      const body = (await response.json()) as { value: Record<string, unknown>[]; "@odata.nextLink"?: string };
      if (pages === 0) expect(response.headers.get("preference-applied")).toBe("odata.maxpagesize=2");
      seen.push(...names(body.value));
      url = body["@odata.nextLink"];
      pages += 1;
    }
    expect(pages).toBe(3);
    expect(seen).toEqual([
      "Berlin Central",
      "Hamburg 100% Stock",
      "Redmond Quarantine",
      "Seattle Central",
      "Tacoma Transit",
    ]);
  });

  it("expands a single-valued navigation property with a nested $select", async () => {
    const reply = await api.call(
      `msdyn_warehouses?$select=msdyn_name&$filter=msdyn_warehouseidentifier eq 'W04'&$expand=msdyn_company($select=cdm_companycode)`,
    );
    expect(reply.json.value?.[0]).toMatchObject({
      msdyn_name: "Berlin Central",
      msdyn_company: { cdm_companycode: "demf", cdm_companyid: demf },
    });
    const unset = await api.call(
      `msdyn_warehouses?$select=msdyn_name&$filter=msdyn_warehouseidentifier eq 'W04'&$expand=msdyn_operationalsite`,
    );
    expect(unset.json.value?.[0]?.msdyn_operationalsite).toBeNull();
  });

  it("adds formatted values and lookup annotations only when Prefer asks for them", async () => {
    const filter =
      "$filter=msdyn_warehouseidentifier eq 'W02'&$select=msdyn_warehousetype,_msdyn_company_value,createdon";
    const plain = (await api.call(`msdyn_warehouses?${filter}`)).json.value?.[0] ?? {};
    expect(Object.keys(plain).some((key) => key.includes("@OData") || key.includes("@Microsoft"))).toBe(false);

    const all = await api.call(`msdyn_warehouses?${filter}`, { headers: { prefer: ANNOTATIONS } });
    expect(all.headers.get("preference-applied")).toBe(ANNOTATIONS);
    expect(all.json.value?.[0]).toMatchObject({
      "msdyn_warehousetype@OData.Community.Display.V1.FormattedValue": "Quarantine",
      "_msdyn_company_value@OData.Community.Display.V1.FormattedValue": "USMF",
      "_msdyn_company_value@Microsoft.Dynamics.CRM.lookuplogicalname": "cdm_company",
      "_msdyn_company_value@Microsoft.Dynamics.CRM.associatednavigationproperty": "msdyn_company",
    });

    const lookupsOnly =
      (
        await api.call(`msdyn_warehouses?${filter}`, {
          headers: { prefer: 'odata.include-annotations="Microsoft.Dynamics.CRM.lookuplogicalname"' },
        })
      ).json.value?.[0] ?? {};
    expect(Object.keys(lookupsOnly).filter((key) => key.includes("@") && !key.startsWith("@"))).toEqual([
      "_msdyn_company_value@Microsoft.Dynamics.CRM.lookuplogicalname",
    ]);
  });

  it("answers query mistakes with 400 and the Dataverse code", async () => {
    const unknownSelect = await api.call("msdyn_warehouses?$select=msdyn_colour");
    expect(unknownSelect.status).toBe(400);
    expect(unknownSelect.json.error).toEqual({
      code: "0x80060888",
      message: "Could not find a property named 'msdyn_colour' on type 'Microsoft.Dynamics.CRM.msdyn_warehouse'.",
    });
    const lookupByLogicalName = await api.call("msdyn_warehouses?$select=msdyn_company");
    expect(lookupByLogicalName.json.error?.message).toContain("'msdyn_company'");
    const broken = await api.call(`msdyn_warehouses?$filter=${encodeURIComponent("msdyn_name eq 'open")}`);
    expect(broken.status).toBe(400);
    expect(broken.json.error?.code).toBe("0x80060888");
    const typeMismatch = await api.call(
      `msdyn_warehouses?$filter=${encodeURIComponent("msdyn_warehousetype eq 'Default'")}`,
    );
    expect(typeMismatch.status).toBe(400);
    const skip = await api.call("msdyn_warehouses?$skip=2");
    expect(skip.status).toBe(400);
    expect(skip.json.error?.message).toContain("$skip is not supported");
    const badToken = await api.call(`msdyn_warehouses?$skiptoken=${encodeURIComponent("<cookie/>")}`);
    expect(badToken.status).toBe(400);
    const badExpand = await api.call("msdyn_warehouses?$expand=msdyn_nowhere");
    expect(badExpand.status).toBe(400);
    expect((await api.call("msdyn_warehouses?$top=1")).status).toBe(200);
  });

  describe("FetchXML (?fetchXml=)", () => {
    const fetchXml = (xml: string) => api.call(`msdyn_warehouses?fetchXml=${encodeURIComponent(xml)}`);

    it("answers a FetchXML query with the rows the same OData query returns", async () => {
      const reply = await fetchXml(
        `<fetch><entity name="msdyn_warehouse"><attribute name="msdyn_name"/><attribute name="msdyn_company"/>` +
          `<filter type="and"><condition attribute="msdyn_company" operator="eq" value="${usmf}"/>` +
          `<filter type="or"><condition attribute="msdyn_name" operator="like" value="%Central"/><condition attribute="msdyn_warehousetype" operator="in"><value>192350002</value></condition></filter></filter>` +
          `<order attribute="msdyn_name" descending="true"/></entity></fetch>`,
      );
      expect([reply.status, reply.json.error]).toEqual([200, undefined]);
      expect(names(reply.json.value)).toEqual(["Tacoma Transit", "Seattle Central"]);
      expect(reply.json.value?.[0]?._msdyn_company_value).toBe(usmf);
      const nulls = await fetchXml(
        '<fetch><entity name="msdyn_warehouse"><attribute name="msdyn_name"/><filter><condition attribute="msdyn_primaryaddresslatitude" operator="null"/></filter></entity></fetch>',
      );
      expect(names(nulls.json.value)).toEqual(["Hamburg 100% Stock"]);
    });

    it("pages with count and page, saying whether more records follow", async () => {
      const page = (number: number) =>
        fetchXml(
          `<fetch count="2" page="${number}"><entity name="msdyn_warehouse"><attribute name="msdyn_name"/><order attribute="msdyn_name"/></entity></fetch>`,
        );
      const first = await page(1);
      expect([names(first.json.value), first.json["@Microsoft.Dynamics.CRM.morerecords"]]).toEqual([
        ["Berlin Central", "Hamburg 100% Stock"],
        true,
      ]);
      const last = await page(3);
      expect([names(last.json.value), last.json["@Microsoft.Dynamics.CRM.morerecords"]]).toEqual([
        ["Tacoma Transit"],
        false,
      ]);
    });

    it("refuses FetchXML that is malformed, names another table or an unknown column, or uses what the emulator does not implement, with 400", async () => {
      for (const xml of [
        "<fetch><entity",
        "",
        '<fetch><entity name="account"/></fetch>',
        '<fetch><entity name="msdyn_warehouse"><attribute name="nope"/></entity></fetch>',
        '<fetch><entity name="msdyn_warehouse"><link-entity name="cdm_company" from="cdm_companyid" to="msdyn_company"/></entity></fetch>',
        '<fetch aggregate="true"><entity name="msdyn_warehouse"/></fetch>',
        '<fetch top="0"><entity name="msdyn_warehouse"/></fetch>',
      ]) {
        const reply = await fetchXml(xml);
        expect([xml, reply.status]).toEqual([xml, 400]);
        expect(typeof reply.json.error?.message).toBe("string");
      }
      expect(
        (
          await api.call(
            `msdyn_warehouses?$top=1&fetchXml=${encodeURIComponent('<fetch><entity name="msdyn_warehouse"/></fetch>')}`,
          )
        ).status,
      ).toBe(400);
    });
  });

  describe("offline profile (x-fsi-client-state: offline)", () => {
    const offline = { "x-fsi-client-state": "offline" };

    it("refuses contains, FetchXML and $apply as the mobile offline store does", async () => {
      const contains = await api.call(
        `msdyn_warehouses?$filter=${encodeURIComponent("contains(msdyn_name,'Central')")}`,
        { headers: offline },
      );
      expect(contains.status).toBe(400);
      expect(contains.json.error?.code).toBe("0x80154B52");
      expect(contains.json.error?.message).toContain("'contains'");
      const fetchXml = await api.call(
        `msdyn_warehouses?fetchXml=${encodeURIComponent('<fetch><entity name="msdyn_warehouse"/></fetch>')}`,
        { headers: offline },
      );
      expect(fetchXml.json.error?.code).toBe("0x80154B52");
      const apply = await api.call(`msdyn_warehouses?$apply=${encodeURIComponent("aggregate($count as n)")}`, {
        headers: offline,
      });
      expect(apply.json.error?.code).toBe("0x80154B52");
    });

    it("answers the bounding-box query the nearby-warehouses control sends offline", async () => {
      const filter = "msdyn_primaryaddresslatitude ge 47 and msdyn_primaryaddresslatitude le 48 and statecode eq 0";
      const reply = await api.call(
        `msdyn_warehouses?$select=msdyn_name&$orderby=msdyn_name&$filter=${encodeURIComponent(filter)}`,
        { headers: offline },
      );
      expect(reply.status).toBe(200);
      expect(names(reply.json.value)).toEqual(["Redmond Quarantine", "Seattle Central", "Tacoma Transit"]);
    });
  });

  it("retrieves a single row with $select and $expand", async () => {
    const id = entityIdOf(await createWarehouse(api, usmf, "S1"));
    const reply = await api.call(`msdyn_warehouses(${id})?$select=msdyn_name&$expand=msdyn_company($select=cdm_name)`);
    expect(reply.json).toMatchObject({ msdyn_name: "Warehouse S1", msdyn_company: { cdm_name: "USMF" } });
    const filterOnSingle = await api.call(`msdyn_warehouses(${id})?$filter=${encodeURIComponent("msdyn_name eq 'x'")}`);
    expect(filterOnSingle.status).toBe(400);
  });
});
