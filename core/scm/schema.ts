/**
 * The shape of an SCM (finance and operations) data entity definition, as its OData endpoint
 * exposes it. Enums travel as their symbol names (`"Quarantine"`, `"Yes"`), as F&O OData does.
 */

export type ScmFieldDefinition =
  | { readonly type: "String"; readonly maxLength: number; readonly mandatory?: boolean }
  | { readonly type: "Int"; readonly mandatory?: boolean }
  | { readonly type: "Real"; readonly mandatory?: boolean }
  | {
      readonly type: "Enum";
      readonly enumName: string;
      readonly values: readonly string[];
      readonly mandatory?: boolean;
    }
  /** ISO 8601 UTC date-time; F&O's empty date is 1900-01-01, which we read as "no date". */
  | { readonly type: "DateTime"; readonly mandatory?: boolean };

export interface ScmEntityDefinition {
  /** Public collection name in `/data/<collection>` (unconfirmed names live in entities.ts only). */
  readonly collection: string;
  /** Public entity name (singular), as OData's metadata names the entity type. */
  readonly entityName: string;
  /**
   * The entity's physical (AOT) name, `InventWarehouseEntity`: what the data event catalog and the
   * virtual table (`mserp_inventwarehouseentity`) are named after (core/scm/data-events.ts).
   */
  readonly physicalName: string;
  readonly displayName: string;
  /** Key fields in key-segment order; `dataAreaId` first for company-specific entities. */
  readonly keys: readonly string[];
  readonly fields: Readonly<Record<string, ScmFieldDefinition>>;
}

export type ScmRow = Record<string, string | number | boolean | null>;

/** Keys of one row, e.g. `{ dataAreaId: "usmf", WarehouseId: "11" }`. */
export type ScmKey = Readonly<Record<string, string>>;

/** An entity's field by a name that comes from outside: only its own fields (see `tableColumn`). */
export function scmField(entity: ScmEntityDefinition, name: string): ScmFieldDefinition | undefined {
  return Object.hasOwn(entity.fields, name) ? entity.fields[name] : undefined;
}
