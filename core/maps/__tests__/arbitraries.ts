/**
 * fast-check arbitraries generated from the column definitions: text within maxLength, choice
 * values from the options, numbers within range at the column's precision, dates as the Web API
 * writes them, lookups to the column's target table.
 */
import fc from "fast-check";
import type { ColumnPair, DataverseRecord, DataverseValue, EntityMap, TableDefinition } from "../..";
import { tableByLogicalName } from "../..";

type Column = TableDefinition["columns"][string];

const INT32 = { min: -2147483648, max: 2147483647 };

/** Evenly spread doubles (fc.double favours extremes), rounded to `precision` decimals. */
const decimalIn = (min: number, max: number, precision: number) =>
  fc.integer({ min: 0, max: 1_000_000_000 }).map((i) => {
    const scale = 10 ** precision;
    const value = Math.round((min + ((max - min) * i) / 1_000_000_000) * scale) / scale;
    return Math.min(max, Math.max(min, value));
  });

/** A date-time between 1950 and 2100 without milliseconds, as the Web API returns it. */
const dateTime = fc
  .date({ min: new Date("1950-01-01T00:00:00Z"), max: new Date("2100-01-01T00:00:00Z"), noInvalidDate: true })
  .map((date) => date.toISOString().replace(/\.\d{3}Z$/, "Z"));

export function valueArbitrary(column: Column, options: { trimmed: boolean }): fc.Arbitrary<DataverseValue> {
  switch (column.type) {
    case "string":
    case "memo": {
      // Dataverse stores "" as null, so a present text is never empty.
      const text = fc.string({ minLength: 1, maxLength: column.maxLength });
      return options.trimmed ? text.map((s) => s.trim()).filter((s) => s.length > 0) : text;
    }
    case "integer":
      return fc.integer({ min: column.min ?? INT32.min, max: column.max ?? INT32.max });
    case "decimal":
    case "double":
    case "money":
      return decimalIn(column.min ?? -1e9, column.max ?? 1e9, column.precision);
    case "boolean":
      return fc.boolean();
    case "datetime":
      return dateTime;
    case "choice":
    case "state":
    case "status":
      return fc.constantFrom(...column.options.map((option) => option.value));
    case "lookup": {
      const [target] = column.targets;
      return fc.uuid().map((id) => ({ id, logicalName: target ?? "" }));
    }
    case "uniqueidentifier":
      return fc.uuid();
  }
}

/**
 * Null is generated too, except where the map replaces it with a default (then null is not in the
 * map's domain: it deliberately becomes the default's value).
 */
function pairArbitrary(pair: ColumnPair, column: Column): fc.Arbitrary<DataverseValue> {
  const value = valueArbitrary(column, { trimmed: pair.trim === true });
  return pair.default?.toScm === undefined ? fc.option(value, { nil: null, freq: 5 }) : value;
}

export interface GeneratedRow {
  readonly record: DataverseRecord;
  readonly companyCode: string;
}

/**
 * A record for the map's table: company and keys always present, each both-direction column
 * present or absent (as in an update's Target).
 */
export function recordArbitrary(map: EntityMap): fc.Arbitrary<GeneratedRow> {
  const table = tableByLogicalName(map.dataverseTable);
  if (table === undefined) throw new Error(`no table ${map.dataverseTable}`);
  const columnOf = (name: string): Column => {
    const column = table.columns[name];
    if (column === undefined) throw new Error(`no column ${name}`);
    return column;
  };
  const required: Record<string, fc.Arbitrary<DataverseValue>> = {
    [map.company.dataverse]: valueArbitrary(columnOf(map.company.dataverse), { trimmed: false }),
  };
  for (const key of map.keys) {
    required[key.dataverse] = valueArbitrary(columnOf(key.dataverse), { trimmed: false }).filter(
      (value) => value !== "",
    );
  }
  const optional: Record<string, fc.Arbitrary<DataverseValue>> = {};
  for (const pair of map.columns) {
    if (pair.direction === "both") optional[pair.dataverse] = pairArbitrary(pair, columnOf(pair.dataverse));
  }
  return fc
    .record({
      companyCode: fc.stringMatching(/^[a-z0-9]{1,4}$/),
      required: fc.record(required),
      optional: fc.record(optional, { requiredKeys: [] }),
    })
    .map(({ companyCode, required: keys, optional: columns }) => {
      const record: DataverseRecord = { ...keys };
      for (const [name, value] of Object.entries(columns)) if (value !== undefined) record[name] = value;
      return { companyCode, record };
    });
}
