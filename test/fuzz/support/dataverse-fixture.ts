/**
 * The Dataverse emulator as the Dataverse fuzz suites use it: started on port 0 with a few rows
 * (two companies, a site, three warehouses, an account) that lookups and keys can point at, a
 * Web API caller, the digest of its store, the row checks against the table definitions, and the
 * generators shared by the suites.
 */
import fc from "fast-check";
import { type ColumnDefinition, type TableDefinition, tableColumn } from "@fsi/core/dataverse/schema";
import {
  account,
  cdmCompany,
  customerAsset,
  operationalSite,
  paymentTerm,
  productInventory,
  warehouse,
} from "@fsi/core/dataverse/tables";
import { type DataverseServer, startDataverseServer } from "@fsi/sandbox/dataverse";
import { hostileString } from "./hostile";
import { type RawReply, send } from "./http";
import { describeValue } from "./runs";
import { type StoreDigest, changedStores, digestOf } from "./store-digest";

const USER = { id: "a0000000-0000-4000-8000-000000000001", fullname: "Dana Admin", domainname: "dana@contoso.test" };
const TOKEN = "fuzz-token";
const API = "/api/data/v9.2/";

/** The tables the suites write and read: the integration's, a company-less one, inventory. */
export const TABLES: readonly TableDefinition[] = [
  warehouse,
  account,
  customerAsset,
  paymentTerm,
  cdmCompany,
  operationalSite,
  productInventory,
];

export interface DataverseFixture {
  readonly server: DataverseServer;
  readonly userId: string;
  /** Ids of rows that exist, by logical name (seeded, then what the suites create). */
  readonly ids: Record<string, string[]>;
  call(
    method: string,
    path: string,
    body?: Buffer | string,
    headers?: Record<string, string | undefined>,
    label?: string,
  ): Promise<RawReply>;
  digest(): Record<string, StoreDigest>;
  expectNothingWritten(before: Record<string, StoreDigest>, what: string): void;
  close(): Promise<void>;
}

export async function startSeededDataverse(): Promise<DataverseFixture> {
  const server = await startDataverseServer({ users: [USER], tokens: { [TOKEN]: USER.id } });
  const ids: Record<string, string[]> = {};
  const call: DataverseFixture["call"] = (method, path, body, headers = {}, label) =>
    send(server.url, {
      method,
      path: `${API}${path}`,
      headers: {
        authorization: `Bearer ${TOKEN}`,
        accept: "application/json",
        ...(body === undefined ? {} : { "content-type": "application/json" }),
        ...headers,
      },
      ...(body === undefined ? {} : { body }),
      ...(label === undefined ? {} : { label }),
    });
  const digest = () => ({ dataverse: digestOf(server.emulator.store.writer) });
  const create = async (set: string, body: Record<string, unknown>, logicalName: string): Promise<string> => {
    const reply = await call("POST", set, JSON.stringify(body));
    const id = /\(([0-9a-f-]{36})\)/.exec(String(reply.headers["odata-entityid"]))?.[1];
    if (reply.status !== 204 || id === undefined) throw new Error(`seed ${set}: ${reply.status} ${reply.text}`);
    (ids[logicalName] ??= []).push(id);
    return id;
  };
  const company = await create("cdm_companies", { cdm_name: "Contoso USA", cdm_companycode: "usmf" }, "cdm_company");
  await create("cdm_companies", { cdm_name: "Contoso Europe", cdm_companycode: "demf" }, "cdm_company");
  const companyBind = `/cdm_companies(${company})`;
  const site = await create(
    "msdyn_operationalsites",
    { msdyn_name: "Seattle", msdyn_siteid: "1", "msdyn_company@odata.bind": companyBind },
    "msdyn_operationalsite",
  );
  for (const number of ["1001", "1002", "1003"]) {
    const row = {
      msdyn_name: `Seattle ${number}`,
      msdyn_warehouseidentifier: number,
      "msdyn_company@odata.bind": companyBind,
      "msdyn_operationalsite@odata.bind": `/msdyn_operationalsites(${site})`,
    };
    await create("msdyn_warehouses", row, "msdyn_warehouse");
  }
  await create(
    "accounts",
    { name: "Fabrikam", accountnumber: "US-001", "msdyn_company@odata.bind": companyBind },
    "account",
  );
  return {
    server,
    userId: USER.id,
    ids,
    call,
    digest,
    expectNothingWritten(before, what) {
      const changed = changedStores(before, digest());
      if (changed.length > 0) throw new Error(`${what}: a refused request wrote to ${changed.join("; ")}`);
    },
    close: () => server.close(),
  };
}

const propertyOf = (table: TableDefinition, column: string) =>
  table.columns[column]?.type === "lookup" ? `_${column}_value` : column;

/** The Web API property names of a table (`_x_value` for lookups; secret columns left out). */
export const propertiesOf = (table: TableDefinition): string[] =>
  Object.entries(table.columns)
    .filter(([, column]) => column.secret !== true)
    .map(([name]) => propertyOf(table, name));

export const navigationOf = (table: TableDefinition): string[] =>
  Object.values(table.columns).flatMap((column) => (column.type === "lookup" ? [column.navigationProperty] : []));

/** A returned row obeys its table's definitions: known columns, types, lengths, ranges, choices. */
export function expectRowValid(table: TableDefinition, row: Record<string, unknown>, what: string): void {
  for (const [property, value] of Object.entries(row)) {
    if (property.includes("@") || value === null) continue;
    const expanded =
      typeof value === "object" &&
      Object.values(table.columns).some(
        (candidate) => candidate.type === "lookup" && candidate.navigationProperty === property,
      );
    if (expanded) continue; // `$expand`ed: the related row, checked against its own table by the emulator's tests
    const column = tableColumn(table, /^_(.+)_value$/.exec(property)?.[1] ?? property);
    if (column === undefined) throw new Error(`${what}: the row carries unknown property ${property}`);
    const problem = valueProblem(column, value);
    if (problem !== undefined) {
      throw new Error(`${what}: ${table.logicalName}.${property} = ${describeValue(value, 100)} ${problem}`);
    }
  }
}

function valueProblem(column: ColumnDefinition, value: unknown): string | undefined {
  switch (column.type) {
    case "string":
    case "memo":
      if (typeof value !== "string") return "is not text";
      return value.length > column.maxLength ? `is longer than ${column.maxLength}` : undefined;
    case "integer":
    case "decimal":
    case "double":
    case "money":
      if (typeof value !== "number" || !Number.isFinite(value)) return "is not a number";
      if (column.type === "integer" && !Number.isInteger(value)) return "is not an integer";
      return (column.min !== undefined && value < column.min) || (column.max !== undefined && value > column.max)
        ? "is out of range"
        : undefined;
    case "choice":
    case "state":
    case "status":
      if (typeof value !== "number") return "is not a choice value";
      return column.options.length > 0 && !column.options.some((option) => option.value === value)
        ? "is not one of the choices"
        : undefined;
    case "boolean":
      return typeof value === "boolean" ? undefined : "is not true/false";
    case "datetime":
      return typeof value === "string" && !Number.isNaN(Date.parse(value)) ? undefined : "is not a date";
    case "uniqueidentifier":
    case "lookup":
      return typeof value === "string" && /^[0-9a-f-]{36}$/.test(value) ? undefined : "is not a GUID";
  }
}

/** A 2xx write: the row it names (or returns) exists and obeys the definitions. */
export async function expectWrittenRowValid(
  fixture: DataverseFixture,
  table: TableDefinition,
  reply: RawReply,
  what: string,
): Promise<void> {
  if (reply.status === 201 || (reply.status === 200 && reply.json !== undefined)) {
    expectRowValid(table, reply.json as Record<string, unknown>, what);
    return;
  }
  const id = /\(([0-9a-f-]{36})\)$/.exec(String(reply.headers["odata-entityid"] ?? ""))?.[1];
  if (id === undefined) throw new Error(`${what}: a ${reply.status} write without OData-EntityId`);
  await expectStoredRowValid(fixture, table, id, what);
}

/** A row a write reported exists and obeys the definitions; later cases may address it. */
export async function expectStoredRowValid(
  fixture: DataverseFixture,
  table: TableDefinition,
  id: string,
  what: string,
): Promise<void> {
  (fixture.ids[table.logicalName] ??= []).push(id);
  const row = await fixture.call("GET", `${table.entitySetName}(${id})`);
  if (row.status !== 200) {
    throw new Error(`${what}: the written row ${id} cannot be read back: ${row.status} ${row.text.slice(0, 300)}`);
  }
  expectRowValid(table, row.json as Record<string, unknown>, what);
}

export const tableArb = fc.constantFrom(...TABLES);

/** `Prefer` headers: the ones the emulator reads, with bad values, and hostile text. */
export const preferHeader = fc.oneof(
  { arbitrary: fc.constant<string | undefined>(undefined), weight: 4 },
  {
    arbitrary: fc.constantFrom(
      "return=representation",
      "odata.maxpagesize=2",
      "odata.maxpagesize=0",
      "odata.maxpagesize=9007199254740991",
      "odata.maxpagesize=1e999",
      'odata.include-annotations="*"',
      'odata.include-annotations="OData.Community.Display.V1.FormattedValue,-*"',
      "odata.continue-on-error",
      '"',
      "return=representation,odata.maxpagesize=-5",
    ),
    weight: 2,
  },
  {
    // Only what an HTTP header can carry.
    arbitrary: hostileString({ long: false }).map((text) => text.replace(/[^\t\u0020-\u007e\u0080-\u00ff]/g, "")),
    weight: 1,
  },
);

/** Binds that point at existing rows of each required lookup's table (so a create can succeed). */
export function requiredBinds(
  fixture: DataverseFixture,
  table: TableDefinition,
  all = false,
): Record<string, fc.Arbitrary<unknown>> {
  const binds: Record<string, fc.Arbitrary<unknown>> = {};
  for (const column of Object.values(table.columns)) {
    if (column.type !== "lookup" || (!all && column.required !== true)) continue;
    const target = TABLES.find((candidate) => candidate.logicalName === column.targets[0]);
    const known = fixture.ids[column.targets[0] ?? ""] ?? [];
    if (target !== undefined && known.length > 0) {
      binds[`${column.navigationProperty}@odata.bind`] = fc
        .constantFrom(...known)
        .map((id) => `/${target.entitySetName}(${id})`);
    }
  }
  return binds;
}
