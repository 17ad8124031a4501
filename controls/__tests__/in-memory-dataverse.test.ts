/**
 * The tests' one in-memory Dataverse (controls/testing/inMemoryWebApi.ts): the refusals tests rely
 * on (filters the offline store cannot run, unknown columns, missing rows), the writes, and the
 * RetrieveEnvironmentVariableValue function the form scripts call.
 */
import { InMemoryWebApi } from "../testing/inMemoryWebApi";
import { environmentVariableRows, guidFor } from "../testing/warehouseRows";

const account = (n: number, name: string) => ({ accountid: guidFor(0xac, n), name, revenue: n * 100 });

describe("the in-memory Dataverse", () => {
  it("refuses a filter the offline store cannot evaluate, an unknown column and a missing row", async () => {
    const webApi = new InMemoryWebApi({ account: [account(1, "Contoso"), account(2, "Fabrikam")] });
    await expect(webApi.retrieveMultipleRecords("account", "?$filter=contains(name,'Con')")).rejects.toThrow(
      "Not evaluated offline",
    );
    await expect(webApi.retrieveMultipleRecords("account", "?$filter=not (revenue gt 100)")).rejects.toThrow(
      "Not evaluated offline",
    );
    await expect(webApi.retrieveMultipleRecords("account", "?$select=nickname")).rejects.toThrow(
      "Could not find a property named 'nickname'",
    );
    await expect(webApi.retrieveRecord("account", guidFor(0xac, 9))).rejects.toMatchObject({ status: 404 });
    const found = await webApi.retrieveMultipleRecords(
      "account",
      "?$select=name&$filter=name ge 'Con' and name lt 'Coo'",
    );
    expect(found.entities).toEqual([{ accountid: guidFor(0xac, 1), name: "Contoso" }]);
  });

  it("creates, updates and deletes rows, refusing a duplicate id and a missing row", async () => {
    const webApi = new InMemoryWebApi({ account: [account(1, "Contoso")] });
    const created = await webApi.createRecord("account", { name: "Northwind", revenue: 5 });
    expect(created.entityType).toBe("account");
    await expect(webApi.createRecord("account", { accountid: created.id, name: "Again" })).rejects.toMatchObject({
      status: 412,
    });
    await webApi.updateRecord("account", `{${created.id.toUpperCase()}}`, { revenue: 7 });
    expect(await webApi.retrieveRecord("account", created.id, "?$select=revenue")).toEqual({
      accountid: created.id,
      revenue: 7,
    });
    await webApi.deleteRecord("account", created.id);
    await expect(webApi.deleteRecord("account", created.id)).rejects.toMatchObject({ status: 404 });
    expect(webApi.requests.map((request) => request.operation)).toEqual([
      "createRecord",
      "updateRecord",
      "retrieveRecord",
      "deleteRecord",
    ]);
  });

  it("answers RetrieveEnvironmentVariableValue with the current value, else the default, else an error", async () => {
    const radius = environmentVariableRows("fsi_NearbyRadiusKm", guidFor(0xe0, 1), "25", "40");
    const url = environmentVariableRows("fsi_ValidationApiUrl", guidFor(0xe0, 2), "https://default.example", null);
    const webApi = new InMemoryWebApi({
      environmentvariabledefinition: [...radius.definitions, ...url.definitions],
      environmentvariablevalue: radius.values,
    });
    expect(await webApi.retrieveEnvironmentVariableValue("fsi_NearbyRadiusKm")).toBe("40");
    expect(await webApi.retrieveEnvironmentVariableValue("fsi_ValidationApiUrl")).toBe("https://default.example");
    await expect(webApi.retrieveEnvironmentVariableValue("fsi_Missing")).rejects.toMatchObject({ status: 404 });
  });
});
