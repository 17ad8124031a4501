/**
 * Seed data a technician can trust: warehouses on land where a city borders water (Chicago's
 * lakefront, checked against Lake Michigan's shoreline), every warehouse inside its city's land
 * sector, and assets named for the city of the warehouse they stand at.
 */
import { generateSeedData } from "../seed/generate";
import { seedCompanies } from "../seed/places";

/** Lake Michigan's Chicago shoreline (latitude, longitude), north-south, from public maps, to ~0.005°. */
const chicagoShore: readonly (readonly [number, number])[] = [
  [41.7, -87.525],
  [41.76, -87.555],
  [41.8, -87.58],
  [41.85, -87.607],
  [41.88, -87.612],
  [41.9, -87.622],
  [41.93, -87.628],
  [41.97, -87.645],
  [42.0, -87.66],
  [42.06, -87.675],
];

function shoreLongitudeAt(latitude: number): number {
  for (let index = 1; index < chicagoShore.length; index += 1) {
    const [southLat, southLon] = chicagoShore[index - 1] ?? [0, 0];
    const [northLat, northLon] = chicagoShore[index] ?? [0, 0];
    if (latitude >= southLat && latitude <= northLat)
      return southLon + ((latitude - southLat) / (northLat - southLat)) * (northLon - southLon);
  }
  throw new Error(`latitude ${latitude} is outside the charted shore`);
}

const data = generateSeedData();
const number = (value: string | number | undefined): number => Number(value);

it("puts every Chicago warehouse west of Lake Michigan's shore", () => {
  const chicago = data.Warehouses.filter((row) => row.PrimaryAddressCity === "Chicago");
  expect(chicago.length).toBeGreaterThanOrEqual(10);
  for (const row of chicago) {
    const latitude = number(row.PrimaryAddressLatitude);
    const longitude = number(row.PrimaryAddressLongitude);
    expect({ id: row.WarehouseId, west: longitude < shoreLongitudeAt(latitude) - 0.003 }).toEqual({
      id: row.WarehouseId,
      west: true,
    });
  }
});

it("keeps each warehouse of a city bordering water inside its land sector", () => {
  for (const company of seedCompanies)
    for (const site of company.sites)
      for (const centre of site.cities) {
        const { land } = centre;
        if (land === undefined) continue;
        const rows = data.Warehouses.filter(
          (row) => row.dataAreaId === company.dataAreaId && row.PrimaryAddressCity === centre.name,
        );
        for (const row of rows) {
          const north = (number(row.PrimaryAddressLatitude) - centre.latitude) * 111.32;
          const east =
            (number(row.PrimaryAddressLongitude) - centre.longitude) *
            111.32 *
            Math.cos((centre.latitude * Math.PI) / 180);
          const bearing = ((Math.atan2(east, north) * 180) / Math.PI + 360) % 360;
          const inSector = [bearing, bearing + 360].some(
            (value) => value >= land.fromDeg - 0.5 && value <= land.toDeg + 0.5,
          );
          expect({
            warehouse: row.WarehouseId,
            inSector,
            near: Math.hypot(north, east) <= land.radiusKm + 0.01,
          }).toEqual({
            warehouse: row.WarehouseId,
            inSector: true,
            near: true,
          });
        }
      }
});

it("names each asset for the city of the warehouse it stands at", () => {
  const cityOf = new Map(
    data.Warehouses.map((row) => [
      `${String(row.dataAreaId)}/FL-${String(row.WarehouseId)}`,
      String(row.PrimaryAddressCity),
    ]),
  );
  for (const asset of data.MaintenanceAssets) {
    const city = cityOf.get(`${String(asset.dataAreaId)}/${String(asset.FunctionalLocationId)}`);
    expect(String(asset.Name).endsWith(` - ${city ?? "?"}`)).toBe(true);
  }
});
