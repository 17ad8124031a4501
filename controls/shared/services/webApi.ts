/**
 * The part of `context.webAPI` our services use. Reads only: `context.webAPI` has no function calls,
 * and on the mobile app offline it answers only plain OData queries (docs/design.md §4). Services depend
 * on this small interface, so components never see `context.webAPI` and tests can hand in a fake.
 */
export type WebApiEntity = Readonly<Record<string, unknown>>;

export interface RetrieveMultipleResult {
  readonly entities: readonly WebApiEntity[];
  /** Present when the server holds more rows than one page. */
  readonly nextLink?: string;
}

export interface WebApiReader {
  retrieveMultipleRecords(
    entityLogicalName: string,
    options?: string,
    maxPageSize?: number,
  ): Promise<RetrieveMultipleResult>;
  retrieveRecord(entityLogicalName: string, id: string, options?: string): Promise<WebApiEntity>;
}

/** The Web API column of a lookup: `msdyn_company` reads as `_msdyn_company_value`. */
export function lookupValueColumn<C extends string>(column: C): `_${C}_value` {
  return `_${column}_value`;
}

const formattedValueSuffix = "@OData.Community.Display.V1.FormattedValue";

/** The label the server formatted for a column (choice labels, lookup names), when it sent one. */
export function formattedValue(row: WebApiEntity, column: string): string | null {
  const value = row[column + formattedValueSuffix];
  return typeof value === "string" ? value : null;
}

export function stringColumn(row: WebApiEntity, column: string): string | null {
  const value = row[column];
  return typeof value === "string" ? value : null;
}

export function numberColumn(row: WebApiEntity, column: string): number | null {
  const value = row[column];
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}
