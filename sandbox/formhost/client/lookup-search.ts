/**
 * Rows a lookup can point to, for the host's lookup fields and dialog: by primary name, with the
 * row's company (company-striped tables hold same-named rows per company, and a lookup to the wrong
 * company's row is exactly what SCM refuses).
 */
import type { TableDefinition } from "@fsi/core/dataverse/schema";
import type { LookupRow } from "./dialogs";
import type { SandboxWebApi } from "./web-api";

const formatted = "@OData.Community.Display.V1.FormattedValue";

function rowOf(table: TableDefinition, row: Readonly<Record<string, unknown>>): LookupRow | undefined {
  const id = row[table.primaryIdAttribute];
  const name = row[table.primaryNameAttribute];
  if (typeof id !== "string") return undefined;
  const company = row[`_msdyn_company_value${formatted}`];
  return { id, name: typeof name === "string" ? name : id, detail: typeof company === "string" ? company : "" };
}

function odataString(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/** Up to `top` rows whose name starts with `text` (all rows when empty), by name. */
export async function searchRows(
  webApi: SandboxWebApi,
  table: TableDefinition,
  text: string,
  top = 50,
): Promise<LookupRow[]> {
  const select = [
    table.primaryIdAttribute,
    table.primaryNameAttribute,
    ...(table.companyScoped ? ["_msdyn_company_value"] : []),
  ];
  const filter =
    text.trim() === "" ? "" : `&$filter=startswith(${table.primaryNameAttribute},${odataString(text.trim())})`;
  const result = await webApi.retrieveMultipleRecords(
    table.logicalName,
    `?$select=${select.join(",")}${filter}&$orderby=${table.primaryNameAttribute}&$top=${top}`,
  );
  return result.entities.flatMap((row) => rowOf(table, row) ?? []);
}

const pageRows = new Map<string, Promise<LookupRow[]>>();

/** The first rows of a table, read once per page (several lookups to one table share them). */
export function firstRows(webApi: SandboxWebApi, table: TableDefinition, top = 250): Promise<LookupRow[]> {
  const key = `${table.logicalName}:${top}`;
  const known = pageRows.get(key);
  if (known !== undefined) return known;
  const reading = searchRows(webApi, table, "", top);
  pageRows.set(key, reading);
  reading.catch(() => pageRows.delete(key));
  return reading;
}
