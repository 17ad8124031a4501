/// <reference types="powerapps-component-framework" />
/**
 * `context.parameters` values as the platform builds them for a bound column (PA
 * `component-framework/reference/property-types/*`): `raw`, `formatted`, `error`, the column's
 * metadata in `attributes`. For the controls' tests and the screenshot page.
 */
const baseProperty = {
  error: false,
  errorMessage: "",
};

export function lookupProperty(
  value: ComponentFramework.LookupValue | null,
  targetEntityType: string,
  logicalName = targetEntityType,
): ComponentFramework.PropertyTypes.LookupProperty {
  return {
    ...baseProperty,
    raw: value ? [value] : [],
    formatted: value?.name ?? "",
    type: "Lookup.Simple",
    attributes: metadata(logicalName),
    getTargetEntityType: () => targetEntityType,
    getViewId: () => "00000000-0000-0000-0000-000000000000",
  };
}

export function numberProperty(value: number | null, type = "FP"): ComponentFramework.PropertyTypes.NumberProperty {
  return { ...baseProperty, raw: value, formatted: value === null ? "" : String(value), type };
}

export function wholeNumberProperty(value: number | null): ComponentFramework.PropertyTypes.WholeNumberProperty {
  return { ...baseProperty, raw: value, formatted: value === null ? "" : String(value), type: "Whole.None" };
}

export function stringProperty(
  value: string | null,
  logicalName = "",
  type = "SingleLine.Text",
): ComponentFramework.PropertyTypes.StringProperty {
  return {
    ...baseProperty,
    raw: value,
    formatted: value ?? "",
    type,
    attributes: { ...metadata(logicalName), MaxLength: 4000, ImeMode: 0, Format: "text" },
  };
}

export function optionSetProperty(
  value: number | null,
  label: string | null,
  logicalName = "",
): ComponentFramework.PropertyTypes.OptionSetProperty {
  return {
    ...baseProperty,
    raw: value,
    formatted: label ?? "",
    type: "OptionSet",
    attributes: { ...metadata(logicalName), Options: [], DefaultValue: -1 },
  };
}

export function dateTimeProperty(
  value: Date | null,
  formatted: string,
  logicalName = "",
): ComponentFramework.PropertyTypes.DateTimeProperty {
  return {
    ...baseProperty,
    raw: value,
    formatted,
    type: "DateAndTime.DateAndTime",
    attributes: { ...metadata(logicalName), Behavior: 1, Format: "datetime", ImeMode: 0 },
  };
}

function metadata(logicalName: string): ComponentFramework.PropertyHelper.FieldPropertyMetadata.Metadata {
  return {
    DisplayName: logicalName,
    LogicalName: logicalName,
    RequiredLevel: 0,
    IsSecured: false,
    SourceType: 0,
    Description: "",
  };
}
