/**
 * The controls' queries against the sandbox's Dataverse Web API emulator over HTTP, sent the way the
 * mobile app's offline store would run them (`x-fsi-client-state: offline`, which refuses
 * `contains()` and FetchXML). The unit tests use an in-memory stand-in; this checks the real
 * emulator accepts and answers the same requests.
 */
import { tableByLogicalName } from "@fsi/core/dataverse/tables";
import { CLIENT_STATE_HEADER, startDataverseServer, type DataverseServer } from "@fsi/sandbox/dataverse";
import { searchAssets } from "../CustomerAssetPicker/services/customerAssets";
import { createNearbyWarehousesService } from "../NearbyWarehouses/services/nearbyWarehouses";
import { readOnHand } from "../WarehouseOnHand/services/warehouseOnHand";
import type { RetrieveMultipleResult, WebApiEntity, WebApiReader } from "../shared/services/webApi";

const TOKEN = "controls-test";

/** `context.webAPI` over plain HTTP, as a PCF host would implement it. */
class HttpWebApi implements WebApiReader {
  readonly paths: string[] = [];
  constructor(
    private readonly apiUrl: string,
    private readonly headers: Record<string, string>,
  ) {}

  private entitySet(logicalName: string): string {
    const table = tableByLogicalName(logicalName);
    if (!table) throw new Error(`core has no table ${logicalName}`);
    return table.entitySetName;
  }

  private async get(path: string, maxPageSize?: number): Promise<Record<string, unknown>> {
    this.paths.push(path);
    const prefer = ['odata.include-annotations="*"', ...(maxPageSize ? [`odata.maxpagesize=${maxPageSize}`] : [])].join(
      ",",
    );
    const response = await fetch(`${this.apiUrl}${path}`, {
      headers: { authorization: `Bearer ${TOKEN}`, accept: "application/json", prefer, ...this.headers },
    });
    const body = (await response.json()) as Record<string, unknown>;
    if (!response.ok) throw new Error(`HTTP ${response.status} for ${path}: ${JSON.stringify(body)}`);
    return body;
  }

  async retrieveMultipleRecords(
    logicalName: string,
    options = "",
    maxPageSize?: number,
  ): Promise<RetrieveMultipleResult> {
    const body = await this.get(`${this.entitySet(logicalName)}${options}`, maxPageSize);
    const nextLink = body["@odata.nextLink"];
    const entities = body.value as WebApiEntity[];
    return typeof nextLink === "string" ? { entities, nextLink } : { entities };
  }

  async retrieveRecord(logicalName: string, id: string, options = ""): Promise<WebApiEntity> {
    return (await this.get(`${this.entitySet(logicalName)}(${id})${options}`)) as WebApiEntity;
  }
}

let server: DataverseServer;
let offline: HttpWebApi;

/** Creates a row and returns its id (from the OData-EntityId header, as Dataverse answers a create). */
async function create(entitySet: string, body: Record<string, unknown>): Promise<string> {
  const response = await fetch(`${server.apiUrl}${entitySet}`, {
    method: "POST",
    headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`Creating in ${entitySet}: HTTP ${response.status} ${await response.text()}`);
  const id = /\(([0-9a-f-]{36})\)$/.exec(response.headers.get("odata-entityid") ?? "")?.[1];
  if (!id) throw new Error(`No id for the new ${entitySet} row`);
  return id;
}

let company: string;
let account: string;
let productId: string;
let loopId: string;

beforeAll(async () => {
  server = await startDataverseServer({ tokens: {} });
  offline = new HttpWebApi(server.apiUrl, { [CLIENT_STATE_HEADER]: "offline" });
  company = await create("cdm_companies", { cdm_name: "USMF", cdm_companycode: "usmf" });
  const warehouse = (identifier: string, name: string, latitude: number, longitude: number) =>
    // Microsoft's naming (the warehouses map's default): SCM's id in msdyn_name, the name in msdyn_description.
    create("msdyn_warehouses", {
      msdyn_name: identifier,
      msdyn_description: name,
      msdyn_warehouseidentifier: identifier,
      msdyn_primaryaddresslatitude: latitude,
      msdyn_primaryaddresslongitude: longitude,
      msdyn_formattedprimaryaddress: `${name}, Chicago`,
      "msdyn_company@odata.bind": `/cdm_companies(${company})`,
    });
  const loop = await warehouse("LOOP", "Loop Depot", 41.8843, -87.6324);
  await warehouse("UNION", "Union Station Store", 41.8787, -87.6399);
  await warehouse("MKE", "Milwaukee Hub", 43.0389, -87.9065);
  const product = await create("products", { name: "Pump seal kit", productnumber: "PSK-1" });
  await create("msdyn_productinventories", {
    "msdyn_warehouse@odata.bind": `/msdyn_warehouses(${loop})`,
    "msdyn_product@odata.bind": `/products(${product})`,
    msdyn_qtyonhand: 12,
    msdyn_qtyavailable: 9,
  });
  productId = product;
  loopId = loop;
  account = await create("accounts", { name: "Contoso", "msdyn_company@odata.bind": `/cdm_companies(${company})` });
  const category = await create("msdyn_customerassetcategories", {
    msdyn_name: "Pumps",
    msdyn_maintenanceassettypeid: "PUMP",
    "msdyn_company@odata.bind": `/cdm_companies(${company})`,
  });
  for (const [name, tag] of [
    ["Pump 3000", "PMP-0042"],
    ["Boiler A", "BLR-7"],
  ] as const) {
    await create("msdyn_customerassets", {
      msdyn_name: name,
      msdyn_assettag: tag,
      fsi_origin: 716900001,
      "msdyn_account@odata.bind": `/accounts(${account})`,
      "msdyn_customerassetcategory@odata.bind": `/msdyn_customerassetcategories(${category})`,
      "msdyn_company@odata.bind": `/cdm_companies(${company})`,
    });
  }
});

afterAll(async () => {
  await server.close();
});

describe("the controls' queries on the Dataverse emulator, offline", () => {
  it("finds the nearest warehouses with their stock: at most two rings of warehouses, then one stock request", async () => {
    const service = createNearbyWarehousesService(offline, null);
    offline.paths.length = 0;
    const result = await service.search({
      center: { latitude: 41.8781, longitude: -87.6298 },
      radiusKm: 25,
      companyId: company,
      productId,
      maxResults: 50,
    });
    expect(result.warehouses.map((w) => [w.name, w.stock])).toEqual([
      ["Loop Depot", { onHand: 12, available: 9 }],
      ["Union Station Store", { onHand: 0, available: 0 }],
    ]);
    // Two warehouses in all: the first ring holds fewer than wanted, so the second covers the radius.
    expect(offline.paths.map((path) => path.split("?")[0])).toEqual([
      "msdyn_warehouses",
      "msdyn_warehouses",
      "msdyn_productinventories",
    ]);
  });

  it("reads the default radius from the environment variable tables", async () => {
    const definition = await create("environmentvariabledefinitions", {
      schemaname: "fsi_NearbyRadiusKm",
      displayname: "Nearby radius (km)",
      type: 100000001,
      defaultvalue: "40",
    });
    expect(definition).toMatch(/^[0-9a-f-]{36}$/);
    expect(await createNearbyWarehousesService(offline, null).defaultRadiusKm()).toBe(40);
  });

  it("searches customer assets by the start of the name or tag", async () => {
    const byName = await searchAssets(offline, {
      term: "pump",
      scope: "account",
      accountId: account,
      companyId: company,
      top: 25,
    });
    expect(byName.assets.map((asset) => [asset.name, asset.category, asset.origin])).toEqual([
      ["Pump 3000", "Pumps", "supplyChain"],
    ]);
    const byTag = await searchAssets(offline, {
      term: "blr",
      scope: "company",
      accountId: null,
      companyId: company,
      top: 25,
    });
    expect(byTag.assets.map((asset) => asset.name)).toEqual(["Boiler A"]);
  });

  it("reads a warehouse's top items with product and unit names, and its last sync, in two requests", async () => {
    const box = await create("uoms", { name: "Box" });
    const filters = await create("products", {
      name: "Filter cartridge",
      productnumber: "FLT-10",
      "defaultuomid@odata.bind": `/uoms(${box})`,
    });
    await create("msdyn_productinventories", {
      "msdyn_warehouse@odata.bind": `/msdyn_warehouses(${loopId})`,
      "msdyn_product@odata.bind": `/products(${filters})`,
      "msdyn_unit@odata.bind": `/uoms(${box})`,
      msdyn_qtyonhand: 40,
      msdyn_qtyavailable: 35,
      msdyn_qtyonorder: 5,
      fsi_scmlastsyncedon: "2025-03-10T11:45:00Z",
    });
    offline.paths.length = 0;
    const result = await readOnHand(offline, loopId, 10);
    expect(
      result.items.map(({ product, unit, onHand, available, onOrder }) => [product, unit, onHand, available, onOrder]),
    ).toEqual([
      ["Filter cartridge", "Box", 40, 35, 5],
      ["Pump seal kit", null, 12, 9, 0],
    ]);
    expect(result.more).toBe(false);
    expect(result.lastSyncedOn?.toISOString()).toBe("2025-03-10T11:45:00.000Z");
    expect(offline.paths).toHaveLength(2);
  });
});
