import type { ValidationRequest } from "@fsi/core/validation/contract";
import { InMemoryWebApi } from "../../testing/inMemoryWebApi";
import { FakeSignIn } from "@fsi/forms/__tests__/fake-sign-in";
import {
  panelIds,
  panelSignIn,
  panelTables,
  savedWarehouse,
  startFakeValidationApi,
  type FakeValidationApi,
} from "../../testing/panelRows";
import { createScmCheckService, type ColumnLabels, type RecordToCheck } from "../services/scmCheck";
import { scmMaps } from "../services/scmMaps";
import { createValidationClient } from "../services/validationClient";

const labels: ColumnLabels = (_table, columns) =>
  Promise.resolve(
    Object.fromEntries(
      columns.map((column) => [column, column === "msdyn_operationalsite" ? "Operational Site" : column]),
    ),
  );

const siteRule = (request: ValidationRequest) => {
  const site = request.attributes.msdyn_operationalsite;
  return site === null || site === undefined
    ? {
        valid: false,
        errors: [
          { attribute: "msdyn_operationalsite", code: "required" as const, message: "SCM requires a site for usmf." },
        ],
        warnings: [],
      }
    : {
        valid: true,
        errors: [],
        warnings: [{ code: "crossField" as const, message: "The site's address differs from the warehouse's." }],
      };
};

const record: RecordToCheck = { table: "msdyn_warehouse", id: panelIds.warehouse, companyId: null, overrides: {} };

let api: FakeValidationApi;
let signIn: FakeSignIn;

beforeEach(async () => {
  api = await startFakeValidationApi(siteRule);
  signIn = new FakeSignIn();
});

afterEach(async () => {
  await api.close();
});

function service(webApi: InMemoryWebApi, timeoutMs = 5000, canSignInInteractively = true) {
  return createScmCheckService(
    webApi,
    createValidationClient((url, init) => fetch(url, init), timeoutMs, signIn),
    labels,
    { userId: panelSignIn.userId, redirectUri: panelSignIn.redirectUri, canSignInInteractively },
  );
}

describe("checking a record against SCM", () => {
  it("posts the saved record's mapped columns, in the contract's shape, with a bearer token", async () => {
    const webApi = new InMemoryWebApi(panelTables(api.url));
    const outcome = await service(webApi).check(record);
    expect(outcome).toEqual({
      kind: "checked",
      valid: true,
      errors: [],
      warnings: [{ code: "crossField", message: "The site's address differs from the warehouse's.", label: null }],
    });
    const [sent] = api.requests;
    expect(sent).toMatchObject({
      table: "msdyn_warehouse",
      operation: "update",
      id: panelIds.warehouse,
      company: "usmf",
    });
    expect(Object.keys(sent?.attributes ?? {}).sort()).toEqual([...scmMaps.msdyn_warehouse.columns].sort());
    expect(sent?.attributes.msdyn_operationalsite).toEqual({
      id: panelIds.site,
      logicalName: "msdyn_operationalsite",
      name: "Site 1",
    });
    expect(sent?.attributes.msdyn_quarantinewarehouse).toBeNull();
    expect(sent?.attributes).not.toHaveProperty("createdon");
    expect(sent?.attributes).not.toHaveProperty("msdyn_name");
    expect(api.authorizations).toEqual(["Bearer token-1"]);
  });

  it("lists SCM's errors by column display name", async () => {
    const webApi = new InMemoryWebApi({
      ...panelTables(api.url),
      msdyn_warehouse: [savedWarehouse({ _msdyn_operationalsite_value: null })],
    });
    const outcome = await service(webApi).check(record);
    expect(outcome).toEqual({
      kind: "checked",
      valid: false,
      errors: [
        {
          attribute: "msdyn_operationalsite",
          code: "required",
          message: "SCM requires a site for usmf.",
          label: "Operational Site",
        },
      ],
      warnings: [],
    });
  });

  it("checks what the form shows in the panel's fields, not only what is saved", async () => {
    const webApi = new InMemoryWebApi(panelTables(api.url));
    const outcome = await service(webApi).check({
      ...record,
      overrides: { msdyn_operationalsite: null, msdyn_warehouseidentifier: "CHI-02", msdyn_name: "not mapped" },
    });
    expect(outcome).toMatchObject({ kind: "checked", valid: false });
    expect(api.requests[0]?.attributes.msdyn_warehouseidentifier).toBe("CHI-02");
    expect(api.requests[0]?.attributes).not.toHaveProperty("msdyn_name");
  });

  it("asks the sign-in library silently for the API's scope, with the user's sign-in name as login hint", async () => {
    const webApi = new InMemoryWebApi(panelTables(api.url));
    await service(webApi).check(record);
    expect(signIn.calls).toEqual([
      {
        kind: "silent",
        loginHint: panelSignIn.userName,
        configuration: {
          authority: panelSignIn.authority,
          clientId: panelSignIn.clientId,
          scope: panelSignIn.scope,
          redirectUri: panelSignIn.redirectUri,
        },
      },
    ]);
  });

  it("says sign-in is needed when it cannot be silent; signIn() opens the popup, and the next check goes through", async () => {
    signIn.signedIn = false;
    const webApi = new InMemoryWebApi(panelTables(api.url));
    const checker = service(webApi);
    expect(await checker.check(record)).toMatchObject({ kind: "unchecked", reason: "signInRequired" });
    expect(api.requests).toEqual([]);
    await checker.signIn();
    expect(signIn.calls.map((call) => call.kind)).toEqual(["silent", "popup"]);
    expect(await checker.check(record)).toMatchObject({ kind: "checked", valid: true });
    expect(api.authorizations).toEqual(["Bearer token-2"]);
  });

  it("in the mobile app, which cannot open the popup, says the server checks the record on save", async () => {
    signIn.signedIn = false;
    const webApi = new InMemoryWebApi(panelTables(api.url));
    expect(await service(webApi, 5000, false).check(record)).toMatchObject({
      kind: "unchecked",
      reason: "signInUnavailable",
    });
  });

  it("says sign-in is not configured when the sign-in variables have no value", async () => {
    const webApi = new InMemoryWebApi(panelTables(api.url, false));
    expect(await service(webApi).check(record)).toMatchObject({
      kind: "unchecked",
      reason: "notConfigured",
      detail: expect.stringContaining("fsi_EntraAuthority") as string,
    });
  });

  it("reads the company code once per company", async () => {
    const webApi = new InMemoryWebApi(panelTables(api.url));
    const checker = service(webApi);
    await checker.check(record);
    await checker.check(record);
    expect(webApi.requestsFor("cdm_company")).toHaveLength(1);
  });

  it.each([
    ["a record not saved yet", { ...record, id: null }, "notSaved"],
    ["no company", { ...record }, "noCompany"],
  ] as const)("does not call the API for %s", async (_case, toCheck, reason) => {
    const webApi = new InMemoryWebApi({
      ...panelTables(api.url),
      msdyn_warehouse: [savedWarehouse({ _msdyn_company_value: null })],
    });
    expect(await service(webApi).check(toCheck)).toMatchObject({ kind: "unchecked", reason });
    expect(api.requests).toEqual([]);
  });

  it("says the API is not configured when fsi_ValidationApiUrl has no value", async () => {
    const webApi = new InMemoryWebApi(panelTables(null));
    expect(await service(webApi).check(record)).toMatchObject({ kind: "unchecked", reason: "notConfigured" });
  });

  it("says when the record cannot be read", async () => {
    const webApi = new InMemoryWebApi(panelTables(api.url));
    webApi.failRequestsFor("msdyn_warehouse", new Error("Principal user is missing prvReadmsdyn_warehouse privilege"));
    expect(await service(webApi).check(record)).toEqual({
      kind: "unchecked",
      reason: "cannotRead",
      detail: "Principal user is missing prvReadmsdyn_warehouse privilege",
    });
  });

  it.each([
    [{ status: 503, body: '{"error":"SCM unreachable"}' }, "scmUnavailable"],
    [{ status: 400, body: '{"error":"attributes.msdyn_name: too long"}' }, "refused"],
    [{ status: 200, body: '{"valid":"yes"}' }, "badReply"],
    [{ status: 200, body: "<html>proxy error</html>" }, "badReply"],
  ] as const)("turns an answer of HTTP %j into %s", async (answer, reason) => {
    api.answer = answer;
    const webApi = new InMemoryWebApi(panelTables(api.url));
    expect(await service(webApi).check(record)).toMatchObject({ kind: "unchecked", reason });
  });

  it("passes the API's explanation of a 400 on to the user", async () => {
    api.answer = { status: 400, body: '{"error":"attributes.msdyn_name: too long"}' };
    const webApi = new InMemoryWebApi(panelTables(api.url));
    expect(await service(webApi).check(record)).toMatchObject({
      detail: 'HTTP 400 {"error":"attributes.msdyn_name: too long"}',
    });
  });

  it("treats errors that only say SCM is unreachable as no verdict", async () => {
    api.answer = () => ({
      valid: false,
      errors: [{ code: "scmUnavailable", message: "SCM did not answer." }],
      warnings: [],
    });
    const webApi = new InMemoryWebApi(panelTables(api.url));
    expect(await service(webApi).check(record)).toEqual({
      kind: "unchecked",
      reason: "scmUnavailable",
      detail: "SCM did not answer.",
    });
  });

  it("gives up at the deadline when the API does not answer", async () => {
    api.answer = "hang";
    const webApi = new InMemoryWebApi(panelTables(api.url));
    expect(await service(webApi, 200).check(record)).toMatchObject({ kind: "unchecked", reason: "timeout" });
  });

  it("says the API is unreachable when nothing listens", async () => {
    const url = api.url;
    await api.close();
    api = await startFakeValidationApi(siteRule);
    const webApi = new InMemoryWebApi(panelTables(url));
    expect(await service(webApi).check(record)).toMatchObject({ kind: "unchecked", reason: "unreachable" });
  });
});
