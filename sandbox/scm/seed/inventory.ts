/**
 * Deterministic inventory and project seed: a catalogue of released products per company (stocked
 * items in several units, and two services), on-hand for every default warehouse × the stocked
 * items, and projects of every type and stage — several time and material projects in process,
 * the ones a work order may use.
 */
export type SeedRow = Record<string, string | number>;

export interface InventorySeed {
  readonly ReleasedProducts: SeedRow[];
  readonly InventoryOnHand: SeedRow[];
  readonly Projects: SeedRow[];
}

/** Stocked items and services; units are symbols Field Service's units must be named after. */
export const seedItems = [
  { ItemNumber: "A0001", ProductName: "Air filter 20x25", unit: "ea" },
  { ItemNumber: "A0002", ProductName: "Compressor drive belt", unit: "ea" },
  { ItemNumber: "A0003", ProductName: "Condenser fan motor", unit: "ea" },
  { ItemNumber: "A0004", ProductName: "Thermostat, programmable", unit: "ea" },
  { ItemNumber: "A0005", ProductName: "Pump seal kit", unit: "ea" },
  { ItemNumber: "A0006", ProductName: "Pressure gauge 0-300 psi", unit: "ea" },
  { ItemNumber: "B0001", ProductName: "Copper line set 3/8 in", unit: "m" },
  { ItemNumber: "B0002", ProductName: "Control cable 18/8", unit: "m" },
  { ItemNumber: "C0001", ProductName: "Compressor oil POE 32", unit: "l" },
  { ItemNumber: "C0002", ProductName: "Refrigerant R-410A", unit: "kg" },
] as const;

export const seedServices = [
  { ItemNumber: "S0001", ProductName: "Installation labour" },
  { ItemNumber: "S0002", ProductName: "Repair labour" },
] as const;

type WarehouseSeed = Readonly<Record<string, string | number>>;

const projectSpecs = [
  { type: "TimeMaterial", stage: "InProcess", name: "HVAC service contract" },
  { type: "TimeMaterial", stage: "InProcess", name: "Pump maintenance programme" },
  { type: "TimeMaterial", stage: "InProcess", name: "Cold store refit" },
  { type: "TimeMaterial", stage: "InProcess", name: "Boiler replacement" },
  { type: "TimeMaterial", stage: "Completed", name: "Dock door retrofit" },
  { type: "TimeMaterial", stage: "Created", name: "Chiller upgrade (quoted)" },
  { type: "FixedPrice", stage: "InProcess", name: "Conveyor installation" },
  { type: "Internal", stage: "InProcess", name: "Fleet workshop upkeep" },
] as const;

export function generateInventorySeed(warehouses: readonly WarehouseSeed[], random: () => number): InventorySeed {
  const seed: InventorySeed = { ReleasedProducts: [], InventoryOnHand: [], Projects: [] };
  const companies = [...new Set(warehouses.map((row) => String(row.dataAreaId)))];
  for (const company of companies) {
    for (const item of seedItems) {
      seed.ReleasedProducts.push({
        dataAreaId: company,
        ItemNumber: item.ItemNumber,
        ProductName: item.ProductName,
        ProductType: "Item",
        InventoryUnitSymbol: item.unit,
        SalesUnitSymbol: item.unit,
      });
    }
    for (const service of seedServices) {
      seed.ReleasedProducts.push({
        dataAreaId: company,
        ...service,
        ProductType: "Service",
        InventoryUnitSymbol: "h",
        SalesUnitSymbol: "h",
      });
    }
    const prefix = company.slice(0, 2).toUpperCase();
    projectSpecs.forEach((spec, index) => {
      seed.Projects.push({
        dataAreaId: company,
        ProjectId: `${prefix}-PRJ-${String(index + 1).padStart(4, "0")}`,
        ProjectName: spec.name,
        ProjectType: spec.type,
        ProjectStage: spec.stage,
        CustomerAccount: `${prefix}-${String(1 + ((index * 7) % 30)).padStart(3, "0")}`,
      });
    });
  }
  for (const warehouse of warehouses) {
    if (warehouse.WarehouseType !== "Default") continue;
    for (const item of seedItems) {
      const physical = Math.floor(random() * 200);
      const reserved = random() < 0.2 ? Math.floor(physical * 0.1 * random()) : 0;
      const ordered = random() < 0.25 ? 10 * (1 + Math.floor(random() * 10)) : 0;
      seed.InventoryOnHand.push({
        dataAreaId: String(warehouse.dataAreaId),
        ItemNumber: item.ItemNumber,
        WarehouseId: String(warehouse.WarehouseId),
        PhysicalInventory: physical,
        ReservedPhysical: reserved,
        OrderedQuantity: ordered,
        InventoryUnitSymbol: item.unit,
      });
    }
  }
  return seed;
}
