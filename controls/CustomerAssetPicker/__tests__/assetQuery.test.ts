import { assetEstate, assetIds, assetRow } from "../../testing/assetRows";
import { InMemoryWebApi } from "../../testing/inMemoryWebApi";
import { filterNodeTypes, offlineSafeNodeTypes } from "../../testing/offlineFilter";
import { assetQuery, caseVariants, matchesTerm, prefixUpperBound, type AssetSearch } from "../services/assetQuery";
import { searchAssets } from "../services/customerAssets";

const base: AssetSearch = {
  term: "",
  scope: "account",
  accountId: assetIds.contoso,
  companyId: assetIds.usmf,
  top: 25,
};

function filterOf(search: AssetSearch): string {
  const match = /\$filter=([^&]*)/.exec(assetQuery(search).options);
  return decodeURIComponent(match?.[1] ?? "");
}

describe("the asset query", () => {
  it.each(["", "pump", "PMP-00", "O'Brien & Sons #2", "zz", "Ça"])(
    "uses only offline-safe operators (term %p)",
    (term) => {
      const types = [...filterNodeTypes(filterOf({ ...base, term }))];
      expect(types.filter((type) => !offlineSafeNodeTypes.has(type))).toEqual([]);
      expect(filterOf({ ...base, term })).not.toMatch(/contains|startswith/i);
    },
  );

  it("keeps the term a literal, whatever the user types", () => {
    const filter = filterOf({ ...base, term: "x') or (statecode eq 1" });
    expect(filter).toContain("msdyn_name ge 'x'') or (statecode eq 1'");
  });

  it("filters by account only in account scope, by company in both", () => {
    expect(filterOf(base)).toContain(`_msdyn_account_value eq ${assetIds.contoso}`);
    expect(filterOf({ ...base, scope: "company" })).not.toContain("_msdyn_account_value");
    expect(filterOf({ ...base, scope: "company" })).toContain(`_msdyn_company_value eq ${assetIds.usmf}`);
  });

  it.each([
    ["pump", "pumq"],
    ["PMP-00", "PMP-01"],
    ["PMP-", "PMQ"],
    ["az", "b"],
    ["a9", "b"],
    ["zz", null],
    ["é", "ê"],
  ])("bounds the prefix %p below %p", (prefix, bound) => {
    expect(prefixUpperBound(prefix)).toBe(bound);
  });

  it("searches the spellings an offline store may compare case-sensitively", () => {
    expect(caseVariants("pUMP")).toEqual(["pUMP", "pump", "PUMP", "Pump"]);
  });

  it("matches the start of the name, tag or SCM id, ignoring case", () => {
    expect(matchesTerm(["Pump 3000", "PMP-0042", null], "pmp-00")).toBe(true);
    expect(matchesTerm(["Main pump", null, null], "pump")).toBe(false);
  });
});

describe("searching assets", () => {
  it("lists the account's active assets of the company, by name", async () => {
    const webApi = new InMemoryWebApi({ msdyn_customerasset: assetEstate() });
    const { assets, more } = await searchAssets(webApi, base);
    expect(assets.map((a) => a.name)).toEqual(["Air handler", "Boiler A", "Compressor", "Pump 3000", "pump housing"]);
    expect(more).toBe(false);
    expect(webApi.requests).toHaveLength(1);
  });

  it("finds assets by name, asset tag or SCM id, in any case, from both systems", async () => {
    const webApi = new InMemoryWebApi({ msdyn_customerasset: assetEstate() });
    expect((await searchAssets(webApi, { ...base, term: "PUMP" })).assets.map((a) => a.name)).toEqual([
      "Pump 3000",
      "pump housing",
    ]);
    expect((await searchAssets(webApi, { ...base, term: "blr" })).assets.map((a) => a.name)).toEqual(["Boiler A"]);
    expect((await searchAssets(webApi, { ...base, term: "ma-100" })).assets.map((a) => a.name)).toEqual([
      "Pump 3000",
      "pump housing",
    ]);
  });

  it("widens to every account of the company, never to another company", async () => {
    const webApi = new InMemoryWebApi({ msdyn_customerasset: assetEstate() });
    const { assets } = await searchAssets(webApi, { ...base, term: "pump", scope: "company" });
    expect(assets.map((a) => [a.name, a.account])).toEqual([
      ["Pump 3000", "Contoso"],
      ["pump housing", "Contoso"],
      ["Pump station", "Fabrikam"],
    ]);
  });

  it("says where each asset came from, with its category", async () => {
    const webApi = new InMemoryWebApi({ msdyn_customerasset: assetEstate() });
    const { assets } = await searchAssets(webApi, { ...base, term: "" });
    expect(assets.map((a) => [a.name, a.origin, a.category])).toEqual([
      ["Air handler", "fieldService", "HVAC"],
      ["Boiler A", "fieldService", "Boilers"],
      ["Compressor", null, "Compressors"],
      ["Pump 3000", "supplyChain", "Pumps"],
      ["pump housing", "supplyChain", "Pumps"],
    ]);
  });

  it("asks for one more than it shows, to know there are more", async () => {
    const many = Array.from({ length: 30 }, (_, n) =>
      assetRow({ n: 100 + n, name: `Valve ${String(n).padStart(2, "0")}` }),
    );
    const webApi = new InMemoryWebApi({ msdyn_customerasset: many });
    const result = await searchAssets(webApi, { ...base, term: "valve", top: 10 });
    expect(result.assets).toHaveLength(10);
    expect(result.more).toBe(true);
    expect(webApi.requests[0]?.options).toContain("$top=11");
    expect(webApi.requests[0]?.rows).toBe(11);
  });
});
