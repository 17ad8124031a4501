/**
 * What the NearbyWarehouses component asks of the outside world, behind one small interface: where
 * the user is, the default radius, and the warehouses near a point (with stock when a product is
 * given). At most two requests for the warehouses (`rings.ts`), at most one for stock, never one
 * per row.
 */
import { nearest, type GeoPoint } from "@fsi/core/geo";
import { readEnvironmentVariable } from "../../shared/services/environmentVariables";
import { sameId } from "../../shared/services/ids";
import {
  numberColumn,
  stringColumn,
  lookupValueColumn,
  type WebApiEntity,
  type WebApiReader,
} from "../../shared/services/webApi";
import { locate, usablePoint, type DevicePosition, type PositionInputs, type PositionResult } from "./position";
import { firstRing, isSettled, isWhole, nextRing, type Ring } from "./rings";
import { inventoryColumns, stockQuery, warehouseColumns, warehouseQuery } from "./warehouseQuery";

export interface StockLevel {
  readonly onHand: number;
  readonly available: number;
}

export interface NearbyWarehouse {
  readonly id: string;
  readonly name: string;
  readonly identifier: string | null;
  readonly address: string | null;
  readonly position: GeoPoint;
  readonly distanceKm: number;
  /** Stock of the requested product; zero when the warehouse has no inventory row for it. */
  readonly stock: StockLevel | null;
}

export interface NearbySearch {
  readonly center: GeoPoint;
  readonly radiusKm: number;
  readonly companyId: string | null;
  readonly productId: string | null;
  readonly maxResults: number;
  /** Only these warehouse types (choice values); null or absent for every type. */
  readonly warehouseTypes?: readonly number[] | null;
}

export type StockState = "notRequested" | "loaded" | "unavailable";

export interface NearbySearchResult {
  /** Nearest first. With a product, more than `maxResults` so a "has stock" filter has rows to keep. */
  readonly warehouses: readonly NearbyWarehouse[];
  /** Warehouses known within the radius (the list may show fewer). */
  readonly inRadius: number;
  /** `inRadius` counts every warehouse within the radius (otherwise a nearer ring was enough). */
  readonly allInRadius: boolean;
  /** The area held more warehouses than the requests could rank: some near ones may be missing. */
  readonly truncated: boolean;
  readonly stock: StockState;
}

export interface NearbyWarehousesService {
  locate(inputs: PositionInputs): Promise<PositionResult>;
  defaultRadiusKm(): Promise<number>;
  search(search: NearbySearch): Promise<NearbySearchResult>;
}

/** Used when neither the control's input nor `fsi_NearbyRadiusKm` gives a radius. */
export const fallbackRadiusKm = 25;

export const radiusEnvironmentVariable = "fsi_NearbyRadiusKm";

/**
 * How many of the nearest warehouses get a stock level. Bounded so the one stock request stays a
 * short URL (each warehouse adds an `eq` of about 60 characters).
 */
export const stockCandidates = 100;

/**
 * The name a technician reads. Under Microsoft's dual-write naming (the warehouses map's default
 * `naming`) msdyn_name holds SCM's warehouse id and msdyn_description the warehouse name: the row
 * then shows the description as its title, the id staying in the details line. Under the `name`
 * choice msdyn_name is the name.
 */
export function readableName(name: string | null, description: string | null, identifier: string | null): string {
  if (name !== null && name === identifier && description !== null && description.trim() !== "") return description;
  return name ?? "";
}

function toCandidate(row: WebApiEntity): Candidate | null {
  const id = stringColumn(row, warehouseColumns.id);
  const position = usablePoint(
    numberColumn(row, warehouseColumns.latitude),
    numberColumn(row, warehouseColumns.longitude),
  );
  if (!id || !position) {
    return null;
  }
  const identifier = stringColumn(row, warehouseColumns.identifier);
  return {
    id,
    name: readableName(
      stringColumn(row, warehouseColumns.name),
      stringColumn(row, warehouseColumns.description),
      identifier,
    ),
    identifier,
    address: stringColumn(row, warehouseColumns.address),
    position,
  };
}

async function stockByWarehouse(
  webApi: WebApiReader,
  productId: string,
  warehouseIds: readonly string[],
): Promise<Map<string, StockLevel>> {
  const query = stockQuery(productId, warehouseIds);
  const response = await webApi.retrieveMultipleRecords(query.entityLogicalName, query.options, query.maxPageSize);
  const levels = new Map<string, StockLevel>();
  for (const row of response.entities) {
    const warehouseId = stringColumn(row, lookupValueColumn(inventoryColumns.warehouse));
    const id = warehouseId && warehouseIds.find((candidate) => sameId(candidate, warehouseId));
    if (!id) {
      continue;
    }
    const previous = levels.get(id) ?? { onHand: 0, available: 0 };
    levels.set(id, {
      onHand: previous.onHand + (numberColumn(row, inventoryColumns.onHand) ?? 0),
      available: previous.available + (numberColumn(row, inventoryColumns.available) ?? 0),
    });
  }
  return levels;
}

type Candidate = Omit<NearbyWarehouse, "distanceKm" | "stock">;

export async function searchNearby(webApi: WebApiReader, search: NearbySearch): Promise<NearbySearchResult> {
  const keep = search.productId ? Math.max(search.maxResults, stockCandidates) : search.maxResults;
  const byId = new Map<string, Candidate>();
  // Every warehouse within `covered` km is known: the largest ring whose box came back whole.
  let covered = 0;
  let ring: Ring | null = firstRing(search.radiusKm, keep);
  for (let request = 0; ring !== null; request++) {
    const query = warehouseQuery({ ...search, radiusKm: ring.radiusKm, top: ring.top });
    const response = await webApi.retrieveMultipleRecords(query.entityLogicalName, query.options, query.maxPageSize);
    const rows = response.entities.map(toCandidate).filter((row) => row !== null);
    for (const row of rows) byId.set(row.id, row);
    const reach = Math.min(ring.radiusKm, search.radiusKm);
    const answer = {
      rows: response.entities.length,
      inCircle: nearest(search.center, rows, rows.length, (row) => row.position, reach).length,
    };
    if (isWhole(ring, answer)) covered = Math.max(covered, reach);
    ring =
      request === 0 && !isSettled(ring, answer, search.radiusKm, keep)
        ? nextRing(ring, answer, search.radiusKm, keep)
        : null;
  }
  const inRadius = nearest(search.center, [...byId.values()], byId.size, (row) => row.position, search.radiusKm);
  const ranked = inRadius.slice(0, keep);
  let stock: StockState = "notRequested";
  let levels = new Map<string, StockLevel>();
  if (search.productId && ranked.length > 0) {
    try {
      levels = await stockByWarehouse(
        webApi,
        search.productId,
        ranked.map(({ row }) => row.id),
      );
      stock = "loaded";
    } catch {
      // Stock is a bonus: without it (say, inventory is not in the offline profile) the list still helps.
      stock = "unavailable";
    }
  }
  return {
    warehouses: ranked.map(({ row, distanceKm }) => ({
      ...row,
      distanceKm,
      stock: stock === "loaded" ? (levels.get(row.id) ?? { onHand: 0, available: 0 }) : null,
    })),
    inRadius: inRadius.length,
    allInRadius: covered >= search.radiusKm,
    // A listed warehouse beyond the covered ring may have an unseen nearer one.
    truncated: ranked.some(({ distanceKm }) => distanceKm > covered),
    stock,
  };
}

export async function readDefaultRadiusKm(webApi: WebApiReader): Promise<number> {
  try {
    const configured = Number(await readEnvironmentVariable(webApi, radiusEnvironmentVariable));
    return Number.isFinite(configured) && configured > 0 ? configured : fallbackRadiusKm;
  } catch {
    return fallbackRadiusKm;
  }
}

export function createNearbyWarehousesService(
  webApi: WebApiReader,
  device: DevicePosition | null,
): NearbyWarehousesService {
  let defaultRadius: Promise<number> | undefined;
  return {
    locate: (inputs) => locate(inputs, webApi, device),
    defaultRadiusKm: () => (defaultRadius ??= readDefaultRadiusKm(webApi)),
    search: (search) => searchNearby(webApi, search),
  };
}
