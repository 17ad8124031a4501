import { distanceKm } from "@fsi/core";
import { type ScmRulesFile, SEED_RULES_PATH, createScmEmulator, generateSeedData, loadRulesFile } from "..";
import { seedCompanies } from "../seed/places";

describe("SCM seed data", () => {
  const data = generateSeedData();

  it("is the same on every run", () => {
    expect(generateSeedData()).toEqual(data);
  });

  it("has three companies, their sites, and about 200 warehouses with several in Chicago", () => {
    const companies = new Set(data.Warehouses.map((row) => row.dataAreaId));
    expect(companies).toEqual(new Set(["usmf", "demf", "gbsi"]));
    expect(data.OperationalSites.length).toBe(13);
    expect(data.Warehouses.length).toBeGreaterThanOrEqual(190);
    expect(data.Warehouses.length).toBeLessThanOrEqual(220);
    expect(data.Warehouses.filter((row) => row.PrimaryAddressCity === "Chicago").length).toBeGreaterThanOrEqual(5);
    for (const entity of ["MaintenanceAssetTypes", "MaintenanceAssets", "PaymentTerms", "ModesOfDelivery"] as const) {
      expect(new Set(data[entity].map((row) => row.dataAreaId))).toEqual(companies);
    }
  });

  it("puts every warehouse within 15 km of its real city centre, in its company's country", () => {
    const centres = new Map(
      seedCompanies.flatMap((company) =>
        company.sites.flatMap((site) =>
          site.cities.map((city) => [`${company.dataAreaId}/${city.name}`, city] as const),
        ),
      ),
    );
    const countries: Record<string, string> = { usmf: "USA", demf: "DEU", gbsi: "GBR" };
    for (const row of data.Warehouses) {
      const centre = centres.get(`${String(row.dataAreaId)}/${String(row.PrimaryAddressCity)}`);
      expect(centre).toBeDefined();
      const point = { latitude: Number(row.PrimaryAddressLatitude), longitude: Number(row.PrimaryAddressLongitude) };
      expect(distanceKm(point, centre ?? point)).toBeLessThanOrEqual(15);
      expect(row.PrimaryAddressCountryRegionId).toBe(countries[String(row.dataAreaId)]);
      expect(String(row.FormattedPrimaryAddress)).toContain(String(row.PrimaryAddressStreet));
    }
  });

  it("is checked against the rules when seeded: a seed that breaks them does not start", () => {
    const rules: ScmRulesFile = loadRulesFile(SEED_RULES_PATH);
    const stricter: ScmRulesFile = {
      ...rules,
      companies: { ...rules.companies, gbsi: { Warehouses: [{ rule: "maxLength", field: "WarehouseName", max: 8 }] } },
    };
    expect(() => createScmEmulator({ seed: true, rules: stricter })).toThrow(
      /Seed row Warehouses .*gbsi.* breaks the rules/,
    );
  });

  it("seeds every generated row into an empty database", async () => {
    const scm = createScmEmulator({ seed: true });
    try {
      const count = scm.db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM "Warehouses"').get()?.n;
      expect(count).toBe(data.Warehouses.length);
    } finally {
      await scm.close();
    }
  });
});
