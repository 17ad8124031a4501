/**
 * The values of a RemoteExecutionContext, typed. Dataverse serialises its SDK types
 * (Microsoft.Xrm.Sdk) with the WCF data-contract JSON serializer: objects tagged with
 * `"__type": "<Type>:http://schemas.microsoft.com/xrm/2011/Contracts"`, collections as
 * `[{ "key", "value" }]` arrays, dates as `"/Date(<ms since epoch>[+hhmm])/"` (Learn: "Use
 * webhooks to create external handlers for server events", sample request body).
 */

export interface SdkEntityReference {
  readonly kind: "EntityReference";
  readonly id: string;
  readonly logicalName: string;
  readonly name: string | null;
}

export interface SdkOptionSetValue {
  readonly kind: "OptionSetValue";
  readonly value: number;
}

export interface SdkMoney {
  readonly kind: "Money";
  readonly value: number;
}

export interface SdkEntity {
  readonly kind: "Entity";
  readonly logicalName: string;
  /** The empty GUID on a Create target in PreValidation when the caller chose no id. */
  readonly id: string;
  readonly attributes: Readonly<Record<string, SdkValue>>;
  readonly formattedValues: Readonly<Record<string, string>>;
  readonly keyAttributes: Readonly<Record<string, SdkValue>>;
  readonly rowVersion: string | null;
}

export interface SdkEntityCollection {
  readonly kind: "EntityCollection";
  readonly entityName: string | null;
  readonly entities: readonly SdkEntity[];
}

/**
 * A tagged value of a type the integration does not interpret (AliasedValue, BooleanManagedProperty,
 * ...). Kept, not refused: a real context may carry one in a column no map reads.
 */
export interface SdkOpaqueValue {
  readonly kind: "Opaque";
  readonly type: string;
}

export type SdkValue =
  | string
  | number
  | boolean
  | null
  | Date
  | SdkEntityReference
  | SdkOptionSetValue
  | SdkMoney
  | SdkEntity
  | SdkEntityCollection
  | SdkOpaqueValue
  | readonly SdkValue[];

export const EMPTY_GUID = "00000000-0000-0000-0000-000000000000";

function isKind<K extends string>(value: SdkValue | undefined, kind: K): value is Extract<SdkValue, { kind: K }> {
  return (
    typeof value === "object" &&
    value !== null &&
    !(value instanceof Date) &&
    !Array.isArray(value) &&
    "kind" in value &&
    value.kind === kind
  );
}

export const isSdkEntity = (value: SdkValue | undefined): value is SdkEntity => isKind(value, "Entity");
export const isSdkEntityReference = (value: SdkValue | undefined): value is SdkEntityReference =>
  isKind(value, "EntityReference");

/** `/Date(1586898236000)/` or `/Date(1586898236000+0000)/` (the offset is informational: ms are UTC). */
const WCF_DATE = /^\/Date\((-?\d+)([+-]\d{4})?\)\/$/;

export function parseWcfDate(text: string): Date | undefined {
  const millis = WCF_DATE.exec(text)?.[1];
  return millis === undefined ? undefined : new Date(Number(millis));
}

export function formatWcfDate(date: Date): string {
  return `/Date(${date.getTime()})/`;
}
