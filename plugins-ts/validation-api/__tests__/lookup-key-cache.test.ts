/** Lookup keys the validation API keeps between requests, against the Dataverse emulator over HTTP. */
import { operationalSite } from "@fsi/core";
import type { ScmLookupQuery } from "@fsi/core/maps/lookups";
import { startDataverseServer, type DataverseServer } from "@fsi/sandbox/dataverse";
import { DataverseClient } from "../../services/dataverse-client";
import { LOOKUP_KEY_TTL_MS, LookupKeyCache } from "../lookup-key-cache";

const TOKEN = "lookup-key-cache";
const COMPANY = "00000000-0000-4000-8000-00000000c0c0";
let server: DataverseServer;
let client: DataverseClient;
let requests = 0;

beforeAll(async () => {
  server = await startDataverseServer({ port: 0 });
  client = new DataverseClient({ url: server.url, accessToken: () => Promise.resolve(TOKEN) });
  const company = await webApi("POST", "cdm_companies", {
    cdm_companyid: COMPANY,
    cdm_name: "US",
    cdm_companycode: "usmf",
  });
  expect(company.status).toBe(204);
});

afterAll(async () => {
  await server.close();
});

async function webApi(method: string, path: string, body?: unknown): Promise<Response> {
  const reply = await fetch(`${server.apiUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  await reply.arrayBuffer();
  return reply;
}

async function createSite(id: string, siteId: string): Promise<void> {
  const reply = await webApi("POST", "msdyn_operationalsites", {
    msdyn_operationalsiteid: id,
    msdyn_siteid: siteId,
    msdyn_name: `Site ${siteId}`,
    "msdyn_company@odata.bind": `/cdm_companies(${COMPANY})`,
  });
  expect(reply.status).toBe(204);
}

function siteQuery(id: string): ScmLookupQuery {
  return {
    column: "msdyn_operationalsite",
    scmField: "OperationalSiteId",
    reference: { id, logicalName: operationalSite.logicalName },
    keyColumn: "msdyn_siteid",
  };
}

/** A client that counts the Dataverse reads the cache makes. */
function counting(): DataverseClient {
  return new Proxy(client, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (property !== "retrieve" || typeof value !== "function") return value;
      return (...args: unknown[]) => {
        requests += 1;
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

describe("the validation API's lookup key cache", () => {
  it("reads a row's key once, answers from it until the staleness bound, then reads again", async () => {
    const id = "11111111-0000-4000-8000-000000000001";
    await createSite(id, "S1");
    let now = 1_000_000;
    const cache = new LookupKeyCache(LOOKUP_KEY_TTL_MS, () => now);
    const dataverse = counting();
    requests = 0;
    expect(await cache.resolve(dataverse, [siteQuery(id)])).toEqual({
      answers: { msdyn_operationalsite: "S1" },
      missing: [],
    });
    now += LOOKUP_KEY_TTL_MS - 1;
    expect(await cache.resolve(dataverse, [siteQuery(id.toUpperCase())])).toEqual({
      answers: { msdyn_operationalsite: "S1" },
      missing: [],
    });
    expect(requests).toBe(1);

    // Deleted: within the bound the kept key still answers (the Validate plug-in reads again at the save) ...
    expect((await webApi("DELETE", `msdyn_operationalsites(${id})`)).status).toBe(204);
    expect((await cache.resolve(dataverse, [siteQuery(id)])).answers).toEqual({ msdyn_operationalsite: "S1" });
    // ... and past it the row is read again and found missing.
    now += 1;
    const after = await cache.resolve(dataverse, [siteQuery(id)]);
    expect(after.answers).toEqual({});
    expect(after.missing).toEqual([siteQuery(id)]);
    expect(requests).toBe(2);
  });

  it("never keeps a row it did not find: a site created a moment later is found at once", async () => {
    const id = "11111111-0000-4000-8000-000000000002";
    const cache = new LookupKeyCache(LOOKUP_KEY_TTL_MS, () => 5);
    expect((await cache.resolve(client, [siteQuery(id)])).missing).toHaveLength(1);
    await createSite(id, "S2");
    expect(await cache.resolve(client, [siteQuery(id)])).toEqual({
      answers: { msdyn_operationalsite: "S2" },
      missing: [],
    });
  });

  it("keeps at most its bound of rows, dropping the oldest read", async () => {
    const first = "11111111-0000-4000-8000-000000000003";
    const second = "11111111-0000-4000-8000-000000000004";
    await createSite(first, "S3");
    await createSite(second, "S4");
    const cache = new LookupKeyCache(LOOKUP_KEY_TTL_MS, () => 5, 1);
    const dataverse = counting();
    requests = 0;
    await cache.resolve(dataverse, [siteQuery(first)]);
    await cache.resolve(dataverse, [siteQuery(second)]);
    await cache.resolve(dataverse, [siteQuery(second)]);
    expect(requests).toBe(2);
    await cache.resolve(dataverse, [siteQuery(first)]);
    expect(requests).toBe(3);
  });
});
