/**
 * The contract between the OData query compiler and an emulator: the emulator describes its
 * columns through a resolver; the compiler returns parameterised SQL pieces.
 */

/**
 * How a property's values are stored and compared:
 * - `string`: TEXT, compared case-insensitively (`COLLATE NOCASE`), as SQL Server's default
 *   collation does in Dataverse and finance and operations.
 * - `number`: INTEGER or REAL.
 * - `boolean`: INTEGER 0/1.
 * - `datetime`: TEXT in any ISO 8601 form SQLite's `julianday()` reads (`2024-05-01T08:00:00Z`,
 *   with or without milliseconds or an offset); compared as instants.
 * - `guid`: TEXT, compared case-insensitively.
 */
export type ColumnKind = "string" | "number" | "boolean" | "datetime" | "guid";

export interface ResolvedColumn {
  /** A SQL expression for the property, already safe to embed (e.g. a quoted column name). */
  readonly sqlExpression: string;
  readonly kind: ColumnKind;
}

/** Maps an OData property name to its column, or `undefined` when the entity has no such property. */
export type ColumnResolver = (name: string) => ResolvedColumn | undefined;

export type SqlValue = string | number | null;

/** A SQL fragment and the values for its `?` placeholders, in order. */
export interface SqlFragment {
  readonly sql: string;
  readonly params: readonly SqlValue[];
}

export type FilterFunction = "contains" | "startswith" | "endswith";

export const allFilterFunctions: readonly FilterFunction[] = ["contains", "startswith", "endswith"];

export interface ODataQueryOptions {
  /**
   * Functions `$filter` may call; default all of `contains`, `startswith`, `endswith`. A profile
   * that refuses some (mobile offline refuses `contains`) lists only the others.
   */
  readonly functions?: readonly FilterFunction[];
  /**
   * System query options (with their `$`) the caller handles itself, e.g. `$expand`. Any other
   * `$` option than the supported ones is refused; options without `$` are always left alone.
   */
  readonly passThrough?: readonly string[];
  /** Largest `$top` accepted. */
  readonly maxTop?: number;
}

export interface OrderByItem {
  readonly property: string;
  readonly sqlExpression: string;
  readonly kind: ColumnKind;
  readonly direction: "asc" | "desc";
}

export interface CompiledQuery {
  /** The `$filter` as a SQL condition, or `undefined` without one. */
  readonly where: SqlFragment | undefined;
  readonly orderBy: readonly OrderByItem[];
  /** Property names from `$select` (validated), or `undefined` for all properties. */
  readonly select: readonly string[] | undefined;
  readonly top: number | undefined;
  readonly skip: number | undefined;
  /** `$count=true`. */
  readonly count: boolean;
}
