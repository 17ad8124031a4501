/**
 * Deterministic seed rows: the same every run (a seeded PRNG, no clock), so examples in docs and
 * tests can name real warehouses. Warehouses sit within ~12 km of a real city centre with
 * plausible streets and postal codes; each site has a transit and a quarantine warehouse that its
 * default warehouses point to, as each company's rules require.
 */
import { generateInventorySeed } from "./inventory";
import { type CityCentre, type SeedCompany, type SeedSite, seedCompanies } from "./places";
import { formatPostalAddress } from "../address-format";

export type SeedRow = Record<string, string | number>;

/** Rows per collection, in an order that satisfies reference rules. */
export interface SeedData {
  readonly OperationalSites: SeedRow[];
  readonly Warehouses: SeedRow[];
  readonly MaintenanceAssetTypes: SeedRow[];
  readonly MaintenanceAssets: SeedRow[];
  readonly PaymentTerms: SeedRow[];
  readonly ModesOfDelivery: SeedRow[];
  // Inventory and projects (seed/inventory.ts); after the warehouses their rows refer to.
  readonly ReleasedProducts: SeedRow[];
  readonly InventoryOnHand: SeedRow[];
  readonly Projects: SeedRow[];
}

/** mulberry32: a tiny, well-known 32-bit PRNG; deterministic for a given seed. */
function randomSource(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const round6 = (value: number): number => Math.round(value * 1e6) / 1e6;
const pad = (value: number, width: number): string => String(value).padStart(width, "0");

export function generateSeedData(seed = 20240501): SeedData {
  const random = randomSource(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const data: SeedData = {
    OperationalSites: [],
    Warehouses: [],
    MaintenanceAssetTypes: [],
    MaintenanceAssets: [],
    PaymentTerms: [],
    ModesOfDelivery: [],
    ReleasedProducts: [],
    InventoryOnHand: [],
    Projects: [],
  };

  for (const company of seedCompanies) {
    const address = (centre: CityCentre): SeedRow => {
      // A point within ~12 km of the centre, uniformly over the disc — or over the city's land sector where it borders water.
      const sector = centre.land ?? { fromDeg: 0, toDeg: 360, radiusKm: 12 };
      const distanceKm = sector.radiusKm * Math.sqrt(random());
      const bearing = ((sector.fromDeg + (sector.toDeg - sector.fromDeg) * random()) * Math.PI) / 180;
      const latitude = round6(centre.latitude + (distanceKm * Math.cos(bearing)) / 111.32);
      const longitude = round6(
        centre.longitude + (distanceKm * Math.sin(bearing)) / (111.32 * Math.cos((centre.latitude * Math.PI) / 180)),
      );
      const houseNumber = 1 + Math.floor(random() * (company.country === "USA" ? 9800 : 180));
      const streetName = pick(company.streets);
      const street = company.country === "DEU" ? `${streetName} ${houseNumber}` : `${houseNumber} ${streetName}`;
      const zip = postalCode(company, centre, random);
      const formatted = formatPostalAddress({
        street,
        city: centre.name,
        state: centre.state,
        zip,
        country: company.country,
      });
      return {
        PrimaryAddressStreet: street,
        PrimaryAddressCity: centre.name,
        PrimaryAddressStateId: centre.state,
        PrimaryAddressZipCode: zip,
        PrimaryAddressCountryRegionId: company.country,
        FormattedPrimaryAddress: formatted,
        PrimaryAddressLatitude: latitude,
        PrimaryAddressLongitude: longitude,
      };
    };

    company.sites.forEach((site, siteIndex) => {
      data.OperationalSites.push({ dataAreaId: company.dataAreaId, SiteId: site.siteId, SiteName: site.siteName });
      const hub = site.cities[0];
      if (hub === undefined) return;
      const transitId = warehouseId(company, site, siteIndex, hub, "transit", 0);
      const quarantineId = warehouseId(company, site, siteIndex, hub, "quarantine", 0);
      const special = (id: string, type: "Transit" | "Quarantine"): SeedRow => ({
        dataAreaId: company.dataAreaId,
        WarehouseId: id,
        WarehouseName: specialName(company, site, type),
        OperationalSiteId: site.siteId,
        WarehouseType: type,
        ...address(hub),
      });
      data.Warehouses.push(special(transitId, "Transit"), special(quarantineId, "Quarantine"));
      let sequence = 0;
      for (const centre of site.cities) {
        for (let index = 1; index <= centre.warehouses; index += 1) {
          sequence += 1;
          data.Warehouses.push({
            dataAreaId: company.dataAreaId,
            WarehouseId: warehouseId(
              company,
              site,
              siteIndex,
              centre,
              "default",
              company.country === "DEU" ? index : sequence,
            ),
            WarehouseName: defaultName(company, centre, index),
            OperationalSiteId: site.siteId,
            WarehouseType: "Default",
            TransitWarehouseId: transitId,
            QuarantineWarehouseId: quarantineId,
            ...address(centre),
          });
        }
      }
    });

    const prefix = company.dataAreaId.slice(0, 2).toUpperCase();
    for (const type of assetTypes) {
      data.MaintenanceAssetTypes.push({
        dataAreaId: company.dataAreaId,
        MaintenanceAssetTypeId: type.id,
        Name: type.name,
        LifecycleModelId: type.lifecycle,
        CalculateKPITotal: type.kpi ? "Yes" : "No",
      });
    }
    const companyWarehouses = data.Warehouses.filter(
      (row) => row.dataAreaId === company.dataAreaId && row.WarehouseType === "Default",
    );
    let parentId = "";
    for (let index = 1; index <= 40; index += 1) {
      const type = assetTypes[(index - 1) % assetTypes.length];
      const warehouse = companyWarehouses[(index * 7) % companyWarehouses.length];
      if (type === undefined || warehouse === undefined) continue;
      const id = `${prefix}-MA-${pad(index, 5)}`;
      const from = new Date(
        Date.UTC(2019 + Math.floor(random() * 6), Math.floor(random() * 12), 1 + Math.floor(random() * 28)),
      );
      const hasEnd = index % 4 === 0;
      const to = new Date(from.getTime() + (2 + Math.floor(random() * 8)) * 365 * 24 * 3600 * 1000);
      data.MaintenanceAssets.push({
        dataAreaId: company.dataAreaId,
        MaintenanceAssetId: id,
        Name: `${type.name} ${pad(index, 3)} - ${String(warehouse.PrimaryAddressCity)}`,
        MaintenanceAssetTypeId: type.id,
        FunctionalLocationId: `FL-${String(warehouse.WarehouseId)}`,
        ParentMaintenanceAssetId: index % 5 === 0 ? parentId : "",
        CustomerAccount: `${prefix}-${pad(1 + ((index * 3) % 30), 3)}`,
        ItemNumber: `${type.item}${pad(index % 9, 2)}`,
        ActiveFrom: `${from.toISOString().slice(0, 10)}T00:00:00Z`,
        ActiveTo: hasEnd ? `${to.toISOString().slice(0, 10)}T00:00:00Z` : "1900-01-01T00:00:00Z",
      });
      if (index % 5 === 1) parentId = id;
    }

    for (const term of paymentTerms(company)) data.PaymentTerms.push({ dataAreaId: company.dataAreaId, ...term });
    for (const mode of modesOfDelivery(company)) data.ModesOfDelivery.push({ dataAreaId: company.dataAreaId, ...mode });
  }
  // Its own random stream, so the warehouse rows above stay what they were before inventory existed.
  const inventory = generateInventorySeed(data.Warehouses, randomSource(seed + 9));
  data.ReleasedProducts.push(...inventory.ReleasedProducts);
  data.InventoryOnHand.push(...inventory.InventoryOnHand);
  data.Projects.push(...inventory.Projects);
  return data;
}

function warehouseId(
  company: SeedCompany,
  site: SeedSite,
  siteIndex: number,
  centre: CityCentre,
  kind: "transit" | "quarantine" | "default",
  sequence: number,
): string {
  const cityCode = cityCodeOf(centre.name);
  switch (company.country) {
    case "USA":
      return String((siteIndex + 1) * 1000 + (kind === "transit" ? 990 : kind === "quarantine" ? 991 : sequence));
    case "DEU":
      return `DE-${kind === "default" ? cityCode : site.siteId}-${kind === "transit" ? "90" : kind === "quarantine" ? "91" : pad(sequence, 2)}`;
    case "GBR":
      return `${cityCode}${kind === "transit" ? "900" : kind === "quarantine" ? "901" : pad(sequence, 3)}`;
  }
}

const cityCodes: Readonly<Record<string, string>> = {
  Köln: "KOE",
  Düsseldorf: "DUS",
  München: "MUC",
  Nürnberg: "NUE",
  "Frankfurt am Main": "FRA",
  Hannover: "HAJ",
  Mannheim: "MHG",
  Newcastle: "NCL",
  Glasgow: "GLA",
  Birmingham: "BHX",
  Liverpool: "LPL",
  Leicester: "LCS",
  Leeds: "LBA",
  Cardiff: "CWL",
  Belfast: "BFS",
  Bremen: "BRE",
  Berlin: "BER",
  Dresden: "DRS",
  Dortmund: "DTM",
  Stuttgart: "STR",
  Edinburgh: "EDI",
  Aberdeen: "ABZ",
  Southampton: "SOU",
  Sheffield: "SHF",
  Nottingham: "NOT",
};

function cityCodeOf(name: string): string {
  return (
    cityCodes[name] ??
    name
      .normalize("NFD")
      .replace(/[^A-Za-z]/g, "")
      .slice(0, 3)
      .toUpperCase()
  );
}

function specialName(company: SeedCompany, site: SeedSite, type: "Transit" | "Quarantine"): string {
  if (company.country === "DEU") return `${type === "Transit" ? "Transitlager" : "Sperrlager"} ${site.siteName}`;
  const hub = site.cities[0]?.name ?? site.siteName;
  return company.country === "USA" ? `${site.siteName} ${type}` : `${hub} ${type}`;
}

function defaultName(company: SeedCompany, centre: CityCentre, index: number): string {
  switch (company.country) {
    case "USA":
      return `${centre.name} DC ${pad(index, 2)}`;
    case "DEU":
      return `Lager ${centre.name} ${pad(index, 2)}`;
    case "GBR":
      return `${centre.name} Depot ${pad(index, 2)}`;
  }
}

function postalCode(company: SeedCompany, centre: CityCentre, random: () => number): string {
  if (typeof centre.postal === "number") {
    return pad(centre.postal + Math.floor(random() * 40), 5);
  }
  const districts = centre.postal;
  const district = districts[Math.floor(random() * districts.length)] ?? "";
  // Inward codes never use C, I, K, M, O or V (Royal Mail).
  const letters = "ABDEFGHJLNPQRSTUWXYZ";
  const letter = (): string => letters[Math.floor(random() * letters.length)] ?? "A";
  return `${district} ${1 + Math.floor(random() * 9)}${letter()}${letter()}`;
}

const assetTypes = [
  { id: "HVAC", name: "HVAC unit", lifecycle: "Standard", kpi: true, item: "H" },
  { id: "PUMP", name: "Pump", lifecycle: "Standard", kpi: true, item: "P" },
  { id: "GENERATOR", name: "Generator", lifecycle: "Extended", kpi: true, item: "G" },
  { id: "CONVEYOR", name: "Conveyor", lifecycle: "Standard", kpi: false, item: "C" },
  { id: "FORKLIFT", name: "Forklift", lifecycle: "Fleet", kpi: true, item: "F" },
  { id: "COMPRESSOR", name: "Air compressor", lifecycle: "Standard", kpi: false, item: "A" },
  { id: "BOILER", name: "Boiler", lifecycle: "Extended", kpi: true, item: "B" },
  { id: "DOCKDOOR", name: "Dock door", lifecycle: "Standard", kpi: false, item: "D" },
] as const;

function paymentTerms(company: SeedCompany): SeedRow[] {
  const german = company.country === "DEU";
  const term = (
    Name: string,
    Description: string,
    NumberOfDays: number,
    PaymentMethodType: string,
    options: Partial<SeedRow> = {},
  ): SeedRow => ({
    Name,
    Description,
    NumberOfDays,
    NumberOfMonths: 0,
    CutOffDayOfMonth: 0,
    PaymentMethodType,
    IsCashPayment: "No",
    IsDefaultPaymentTerm: "No",
    ...options,
  });
  const terms = [
    term("Net10", german ? "10 Tage netto" : "Net 10 days", 10, "Net"),
    term("Net14", german ? "14 Tage netto" : "Net 14 days", 14, "Net"),
    term("Net30", german ? "30 Tage netto" : "Net 30 days", 30, "Net", { IsDefaultPaymentTerm: "Yes" }),
    term("Net45", german ? "45 Tage netto" : "Net 45 days", 45, "Net"),
    term("Net60", german ? "60 Tage netto" : "Net 60 days", 60, "Net"),
    term("CM15", german ? "Laufender Monat plus 15 Tage" : "Current month plus 15 days", 15, "CurrentMonth", {
      CutOffDayOfMonth: 25,
    }),
    term("CM30", german ? "Laufender Monat plus 30 Tage" : "Current month plus 30 days", 30, "CurrentMonth", {
      CutOffDayOfMonth: 25,
    }),
    term("COD", german ? "Nachnahme" : "Cash on delivery", 0, "COD", { IsCashPayment: "Yes" }),
  ];
  if (!german)
    terms.push(
      term("Net90", "Net 90 days", 90, "Net"),
      term("CQ", "Current quarter", 0, "CurrentQuarter", { NumberOfMonths: 3 }),
    );
  return company.country === "GBR" ? terms.filter((row) => row.PaymentMethodType !== "CurrentQuarter") : terms;
}

function modesOfDelivery(company: SeedCompany): SeedRow[] {
  const modes: [string, string, string][] = [
    ["AIR", "Air freight", "Luftfracht"],
    ["GROUND", "Ground", "Straßentransport"],
    ["OCEAN", "Ocean freight", "Seefracht"],
    ["RAIL", "Rail freight", "Bahnfracht"],
    ["PARCEL", "Parcel service", "Paketdienst"],
    ["COURIER", "Courier", "Kurier"],
    ["PICKUP", "Customer pickup", "Selbstabholung"],
    ["TRUCK", "Full truckload", "Komplettladung"],
  ];
  return modes.map(([ModeCode, english, german]) => ({
    ModeCode,
    ModeDescription: company.country === "DEU" ? german : english,
  }));
}
