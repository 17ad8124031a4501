/**
 * The shape of a Dataverse table definition. One definition drives the Web API emulator (storage,
 * validation, metadata), the entity maps, the forms and the row types derived below.
 *
 * Column types follow Dataverse's AttributeTypeCode names closely enough that the emulator's
 * `EntityDefinitions` endpoint can report them as Dataverse does.
 */

export interface ChoiceOption {
  readonly value: number;
  readonly label: string;
}

interface ColumnBase {
  readonly displayName: string;
  /** ApplicationRequired in Dataverse: the Web API refuses a create without it. */
  readonly required?: boolean;
  /** Set by the platform, never accepted from a client (created on, version number, ...). */
  readonly readOnly?: boolean;
  /** Can be set on create only (a row's company never changes once saved). */
  readonly createOnly?: boolean;
  /**
   * IsValidForRead false in Dataverse: accepted on create and update, never returned by a read
   * (a service endpoint's `authvalue`).
   */
  readonly secret?: boolean;
}

export type ColumnDefinition =
  | (ColumnBase & { readonly type: "uniqueidentifier" })
  | (ColumnBase & { readonly type: "string"; readonly maxLength: number })
  | (ColumnBase & { readonly type: "memo"; readonly maxLength: number })
  | (ColumnBase & { readonly type: "integer"; readonly min?: number; readonly max?: number })
  | (ColumnBase & {
      readonly type: "decimal" | "double" | "money";
      readonly precision: number;
      readonly min?: number;
      readonly max?: number;
    })
  | (ColumnBase & { readonly type: "boolean" })
  | (ColumnBase & { readonly type: "datetime"; readonly behavior: "UserLocal" | "DateOnly" })
  | (ColumnBase & { readonly type: "choice" | "state" | "status"; readonly options: readonly ChoiceOption[] })
  | (ColumnBase & {
      readonly type: "lookup";
      /** Logical names of the tables the lookup may point to. */
      readonly targets: readonly string[];
      /**
       * Single-valued navigation property used in `<nav>@odata.bind` and `$expand`. For the
       * msdyn tables it is the lowercase logical name; kept per column so it is easy to change.
       */
      readonly navigationProperty: string;
    });

export type ColumnType = ColumnDefinition["type"];

export interface AlternateKeyDefinition {
  readonly name: string;
  readonly columns: readonly string[];
}

export interface TableDefinition {
  readonly logicalName: string;
  readonly entitySetName: string;
  readonly displayName: string;
  readonly primaryIdAttribute: string;
  readonly primaryNameAttribute: string;
  /** True for company-striped tables (dual-write): rows carry a `msdyn_company` lookup. */
  readonly companyScoped: boolean;
  readonly columns: Readonly<Record<string, ColumnDefinition>>;
  readonly alternateKeys: readonly AlternateKeyDefinition[];
}

/** A reference to another row, in the shape the validation contract and maps use. */
export interface EntityReference {
  readonly id: string;
  readonly logicalName: string;
  readonly name?: string;
}

type ValueOf<C> = C extends { readonly type: "uniqueidentifier" | "string" | "memo" | "datetime" }
  ? string
  : C extends { readonly type: "integer" | "decimal" | "double" | "money" | "choice" | "state" | "status" }
    ? number
    : C extends { readonly type: "boolean" }
      ? boolean
      : C extends { readonly type: "lookup" }
        ? EntityReference
        : never;

/**
 * The row type of a table, derived from its definition (the "generated" row types): every column
 * optional, `null` when cleared. Datetimes are ISO 8601 strings, as the Web API returns them.
 */
export type RowOf<T extends TableDefinition> = {
  -readonly [K in keyof T["columns"]]?: ValueOf<T["columns"][K]> | null;
};

/** A row whose table is not known statically. */
export type AnyRow = Readonly<Record<string, unknown>>;

/**
 * A table's column by a name that comes from outside (a request, a template): only the table's own
 * columns, so `constructor` or `toString` is no column (plain `columns[name]` would find
 * `Object.prototype`'s members).
 */
export function tableColumn(table: TableDefinition, name: string): ColumnDefinition | undefined {
  return Object.hasOwn(table.columns, name) ? table.columns[name] : undefined;
}
