/// <reference types="powerapps-component-framework" />
/**
 * `context.parameters`: one property per manifest property, as the platform builds them — a bound
 * property carries its column's value (`raw`), the formatted text, the column's metadata and
 * security; an input property its fixed value from FormXml (`static="true"`) or the manifest's
 * default. And the way back: `getOutputs()` values written to the bound columns.
 */
import { choiceLabel } from "../platform-strings";
import type { ColumnDefinition } from "@fsi/core/dataverse/schema";
import type { ControlDescription, ControlPropertyDescription, CustomControlDescription } from "../../shared/contract";
import type { HostAttribute } from "../xrm/attribute";
import { bareGuid, bracedId, formattedValue, type AttributeValue } from "../xrm/values";

type Property = ComponentFramework.PropertyTypes.Property;

export interface ParameterSource {
  attribute(column: string): HostAttribute | undefined;
  isLocked(attribute: HostAttribute): boolean;
  readonly locale: string;
}

function requiredLevel(attribute: HostAttribute): ComponentFramework.PropertyHelper.Types.RequiredLevel {
  switch (attribute.getRequiredLevel()) {
    case "required":
      return 2;
    case "recommended":
      return 3;
    default:
      return 0;
  }
}

function metadataOf(attribute: HostAttribute): ComponentFramework.PropertyHelper.FieldPropertyMetadata.Metadata {
  return {
    DisplayName: attribute.column.displayName,
    LogicalName: attribute.getName(),
    RequiredLevel: requiredLevel(attribute),
    IsSecured: false,
    SourceType: 0,
    Description: "",
  };
}

function numberBounds(column: ColumnDefinition): { MinValue: number; MaxValue: number } {
  const min = "min" in column && column.min !== undefined ? column.min : -100_000_000_000;
  const max = "max" in column && column.max !== undefined ? column.max : 100_000_000_000;
  return { MinValue: min, MaxValue: max };
}

/** A bound property over a form attribute. */
export function boundProperty(attribute: HostAttribute, type: string, locked: boolean, locale: string): Property {
  const column = attribute.column;
  const value = attribute.getValue();
  const base = {
    error: !attribute.isValid(),
    errorMessage: attribute.invalidMessage() ?? "",
    formatted: formattedValue(column, value, locale),
    security: { editable: !locked, readable: true, secured: false },
    type,
  };
  const metadata = metadataOf(attribute);
  switch (column.type) {
    case "lookup": {
      const lookups = Array.isArray(value) ? value : [];
      const lookupMetadata: ComponentFramework.PropertyHelper.FieldPropertyMetadata.LookupMetadata = {
        ...metadata,
        Targets: [...column.targets],
      };
      const property: ComponentFramework.PropertyTypes.LookupProperty = {
        ...base,
        raw: lookups.map((item) => ({ id: bareGuid(item.id), name: item.name ?? "", entityType: item.entityType })),
        attributes: lookupMetadata,
        getTargetEntityType: () => column.targets[0] ?? "",
        getViewId: () => "00000000-0000-0000-0000-000000000000",
      };
      return property;
    }
    case "integer":
    case "decimal":
    case "double":
    case "money": {
      const property: ComponentFramework.PropertyTypes.FloatingNumberProperty = {
        ...base,
        raw: typeof value === "number" ? value : null,
        attributes: { ...metadata, ...numberBounds(column), ImeMode: 0, Precision: attribute.getPrecision() ?? 0 },
      };
      return property;
    }
    case "choice":
    case "state":
    case "status": {
      const property: ComponentFramework.PropertyTypes.OptionSetProperty = {
        ...base,
        raw: typeof value === "number" ? value : null,
        attributes: {
          ...metadata,
          Options: column.options.map((option) => ({
            Label: choiceLabel(column, option),
            Value: option.value,
            Color: "",
          })),
          DefaultValue: -1,
        },
      };
      return property;
    }
    case "boolean": {
      const property: ComponentFramework.PropertyTypes.TwoOptionsProperty = {
        ...base,
        raw: value === true,
        attributes: {
          ...metadata,
          Options: [
            { Label: "No", Value: 0, Color: "" },
            { Label: "Yes", Value: 1, Color: "" },
          ],
          DefaultValue: false,
        },
      };
      return property;
    }
    case "datetime": {
      const property: ComponentFramework.PropertyTypes.DateTimeProperty = {
        ...base,
        raw: value instanceof Date ? value : null,
        attributes: {
          ...metadata,
          Behavior: column.behavior === "DateOnly" ? 3 : 1,
          Format: column.behavior === "DateOnly" ? "date" : "datetime",
          ImeMode: 0,
        },
      };
      return property;
    }
    default: {
      const property: ComponentFramework.PropertyTypes.StringProperty = {
        ...base,
        raw: typeof value === "string" ? value : null,
        attributes: {
          ...metadata,
          MaxLength: attribute.getMaxLength() ?? 4000,
          ImeMode: 0,
          Format: column.type === "memo" ? "textarea" : "text",
        },
      };
      return property;
    }
  }
}

const numberTypes = new Set(["Whole.None", "Decimal", "FP", "Currency"]);

/** An input property's value: the form's fixed value, else the manifest default, typed by the property's type. */
export function inputProperty(type: string, text: string | undefined): Property {
  let raw: string | number | boolean | null = text ?? null;
  if (text !== undefined && numberTypes.has(type)) raw = Number(text);
  else if (text !== undefined && type === "TwoOptions") raw = text === "true" || text === "1";
  return { error: false, errorMessage: "", raw, formatted: text ?? "", type };
}

/** `context.parameters` for a control placed on a cell. */
export function parametersFor(
  control: ControlDescription,
  placement: CustomControlDescription,
  source: ParameterSource,
): Record<string, Property> {
  const parameters: Record<string, Property> = {};
  for (const property of control.properties) {
    if (property.usage === "output") continue;
    const placed = placement.parameters[property.name];
    if (placed?.kind === "bound") {
      const attribute = source.attribute(placed.column);
      if (attribute !== undefined) {
        parameters[property.name] = boundProperty(attribute, placed.type, source.isLocked(attribute), source.locale);
        continue;
      }
    }
    const type = placed?.type ?? property.types[0] ?? "SingleLine.Text";
    parameters[property.name] =
      placed?.kind === "static"
        ? inputProperty(type, placed.value)
        : property.usage === "input"
          ? inputProperty(type, property.defaultValue)
          : unboundProperty(property, type);
  }
  return parameters;
}

/** A bound property the form does not bind: no value, as the platform passes it. */
function unboundProperty(property: ControlPropertyDescription, type: string): Property {
  if (type.startsWith("Lookup")) {
    const lookup: ComponentFramework.PropertyTypes.LookupProperty = {
      error: false,
      errorMessage: "",
      raw: [],
      formatted: "",
      type,
      getTargetEntityType: () => "",
      getViewId: () => "",
    };
    return lookup;
  }
  return { error: false, errorMessage: "", raw: null, formatted: "", type: property.types[0] ?? type };
}

/** One `getOutputs()` value as the bound column's client API value. */
export function outputValue(attribute: HostAttribute, value: unknown): AttributeValue | null {
  if (value === null || value === undefined) return null;
  if (attribute.column.type === "lookup") {
    if (!Array.isArray(value)) return null;
    const lookups = value.flatMap((item: unknown) => {
      if (typeof item !== "object" || item === null) return [];
      const { id, name, entityType } = item as { id?: unknown; name?: unknown; entityType?: unknown };
      return typeof id === "string" && typeof entityType === "string"
        ? [{ id: bracedId(id), name: typeof name === "string" ? name : "", entityType }]
        : [];
    });
    return lookups.length === 0 ? null : lookups;
  }
  if (value instanceof Date || typeof value === "string" || typeof value === "number" || typeof value === "boolean")
    return value;
  return null;
}

/** The bound columns of a placement, by property name. */
export function boundColumns(placement: CustomControlDescription): Map<string, string> {
  return new Map(
    Object.entries(placement.parameters).flatMap(([property, parameter]) =>
      parameter.kind === "bound" ? [[property, parameter.column] as const] : [],
    ),
  );
}
