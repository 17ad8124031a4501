/**
 * The SCM emulator as the SCM fuzz suites use it: started on port 0 with a small master data set
 * in company usmf (a site, a transit and two default warehouses, an asset type, payment terms, a
 * mode of delivery, two items with on-hand, a project) that keys and references can point at,
 * the digest of its store, and the row checks against the entity definitions.
 */
import { createServer, type Server } from "node:http";
import fc from "fast-check";
import { scmEntities } from "@fsi/core/scm/entities";
import { type ScmEntityDefinition, type ScmFieldDefinition, scmField } from "@fsi/core/scm/schema";
import { closeServer, listen } from "@fsi/sandbox/http";
import { type ScmEmulator, createScmEmulator } from "@fsi/sandbox/scm";
import type { KnownValues } from "./documents";
import { type RawReply, send } from "./http";
import { describeValue } from "./runs";
import { type StoreDigest, changedStores, digestOf } from "./store-digest";

/** Values of the seeded rows, by field: generators use them most of the time. */
export const KNOWN: KnownValues = {
  SiteId: ["1"],
  WarehouseId: ["1001", "1002", "1990"],
  TransitWarehouseId: ["1990"],
  OperationalSiteId: ["1"],
  ItemNumber: ["A0001", "A0002"],
  MaintenanceAssetTypeId: ["PUMP"],
  Name: ["Net30"],
  ModeCode: ["AIR"],
  ProjectId: ["US-PRJ-0001"],
  CustomerAccount: ["US-001"],
};

const SEED: readonly (readonly [string, Readonly<Record<string, unknown>>])[] = [
  ["OperationalSites", { SiteId: "1", SiteName: "Seattle" }],
  [
    "Warehouses",
    { WarehouseId: "1990", WarehouseName: "Seattle Transit", OperationalSiteId: "1", WarehouseType: "Transit" },
  ],
  [
    "Warehouses",
    { WarehouseId: "1001", WarehouseName: "Seattle DC", OperationalSiteId: "1", TransitWarehouseId: "1990" },
  ],
  [
    "Warehouses",
    { WarehouseId: "1002", WarehouseName: "Seattle 2", OperationalSiteId: "1", TransitWarehouseId: "1990" },
  ],
  ["MaintenanceAssetTypes", { MaintenanceAssetTypeId: "PUMP", Name: "Pumps" }],
  ["PaymentTerms", { Name: "Net30", Description: "Net 30 days", NumberOfDays: 30 }],
  ["ModesOfDelivery", { ModeCode: "AIR", ModeDescription: "Air freight" }],
  [
    "ReleasedProducts",
    {
      ItemNumber: "A0001",
      ProductName: "Air filter",
      ProductType: "Item",
      InventoryUnitSymbol: "ea",
      SalesUnitSymbol: "ea",
    },
  ],
  [
    "ReleasedProducts",
    {
      ItemNumber: "A0002",
      ProductName: "Drive belt",
      ProductType: "Item",
      InventoryUnitSymbol: "ea",
      SalesUnitSymbol: "ea",
    },
  ],
  ["InventoryOnHand", { ItemNumber: "A0001", WarehouseId: "1001", PhysicalInventory: 40, InventoryUnitSymbol: "ea" }],
  [
    "Projects",
    {
      ProjectId: "US-PRJ-0001",
      ProjectName: "HVAC",
      ProjectType: "TimeMaterial",
      ProjectStage: "InProcess",
      CustomerAccount: "US-001",
    },
  ],
];

export interface ScmFixture {
  readonly scm: ScmEmulator;
  readonly origin: string;
  digest(): Record<string, StoreDigest>;
  /** Fails when the store changed since `before`. */
  expectNothingWritten(before: Record<string, StoreDigest>, what: string): void;
  close(): Promise<void>;
}

export async function startSeededScm(): Promise<ScmFixture> {
  const scm = createScmEmulator({
    seed: false,
    // The optional custom validation service is fuzzed too.
    validationService: true,
    retry: { baseDelayMs: 5, maxDelayMs: 20, timeoutMs: 500 },
  });
  const server: Server = createServer((req, res) => void scm.handle(req, res));
  const origin = await listen(server, 0);
  for (const [collection, row] of SEED) {
    const reply = await send(origin, {
      method: "POST",
      path: `/scm/data/${collection}`,
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ dataAreaId: "usmf", ...row }),
    });
    if (reply.status !== 201) throw new Error(`seed ${collection}: ${reply.status} ${reply.text}`);
  }
  const digest = () => ({ scm: digestOf(scm.db) });
  return {
    scm,
    origin,
    digest,
    expectNothingWritten(before, what) {
      const changed = changedStores(before, digest());
      if (changed.length > 0) throw new Error(`${what}: a request that must not write wrote to ${changed.join("; ")}`);
    },
    async close() {
      await closeServer(server);
      await scm.close();
    },
  };
}

export const entityArb = fc.constantFrom(...scmEntities);

/** A stored SCM field value: F&O never returns null; types as defined. */
function fieldProblem(field: ScmFieldDefinition, value: unknown): string | undefined {
  switch (field.type) {
    case "String":
      if (typeof value !== "string") return "is not text";
      return value.length > field.maxLength ? `is longer than ${field.maxLength}` : undefined;
    case "Int":
      return typeof value === "number" && Number.isInteger(value) ? undefined : "is not an integer";
    case "Real":
      return typeof value === "number" && Number.isFinite(value) ? undefined : "is not a number";
    case "Enum":
      return typeof value === "string" && field.values.includes(value) ? undefined : "is not one of the enum's values";
    case "DateTime":
      return typeof value === "string" && !Number.isNaN(Date.parse(value)) ? undefined : "is not a date";
  }
}

/** A returned row obeys its entity's definitions: known fields, types, lengths, enum values. */
export function expectRowValid(entity: ScmEntityDefinition, row: Record<string, unknown>, what: string): void {
  for (const [name, value] of Object.entries(row)) {
    if (name.startsWith("@odata")) continue;
    const field = scmField(entity, name);
    if (field === undefined) throw new Error(`${what}: the row carries unknown field ${name}`);
    const problem = fieldProblem(field, value);
    if (problem !== undefined)
      throw new Error(`${what}: ${entity.collection}.${name} = ${describeValue(value, 100)} ${problem}`);
  }
}

/** `(dataAreaId='usmf',WarehouseId='1001')` for a row, quotes doubled. */
export function keyPredicate(
  entity: ScmEntityDefinition,
  row: Readonly<Record<string, string | number | boolean | null>>,
): string {
  return `(${entity.keys.map((key) => `${key}='${String(row[key] ?? "").replaceAll("'", "''")}'`).join(",")})`;
}

/** A write that succeeded: the row at `path` reads back valid. */
export async function expectStoredRowValid(
  fixture: ScmFixture,
  entity: ScmEntityDefinition,
  path: string,
  what: string,
): Promise<void> {
  const reply: RawReply = await send(fixture.origin, { method: "GET", path });
  if (reply.status !== 200)
    throw new Error(`${what}: the updated row cannot be read back: ${reply.status} ${reply.text.slice(0, 300)}`);
  expectRowValid(entity, reply.json as Record<string, unknown>, what);
}
