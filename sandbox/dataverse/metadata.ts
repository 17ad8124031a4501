/**
 * A minimal `EntityDefinitions` endpoint built from the table definitions: what clients read to
 * find entity set names, primary id/name columns and attribute types (dataverse-ify's metadata
 * cache, `Xrm.Utility.getEntityMetadata`). Shapes follow EntityMetadata / AttributeMetadata of the
 * Web API; only the properties below are served.
 */
import type { ColumnDefinition, TableDefinition } from "@fsi/core";
import { badQuery, segmentNotFound, unknownProperty } from "./errors";
import { parseKeySegment, splitSegment } from "./keys";
import { stableId } from "./pipeline/registrations";

type Json = Record<string, unknown>;

function label(text: string): Json {
  const localized = { Label: text, LanguageCode: 1033 };
  return { LocalizedLabels: [localized], UserLocalizedLabel: localized };
}

const attributeTypes: Record<ColumnDefinition["type"], [string, string]> = {
  uniqueidentifier: ["Uniqueidentifier", "UniqueIdentifierAttributeMetadata"],
  string: ["String", "StringAttributeMetadata"],
  memo: ["Memo", "MemoAttributeMetadata"],
  integer: ["Integer", "IntegerAttributeMetadata"],
  decimal: ["Decimal", "DecimalAttributeMetadata"],
  double: ["Double", "DoubleAttributeMetadata"],
  money: ["Money", "MoneyAttributeMetadata"],
  boolean: ["Boolean", "BooleanAttributeMetadata"],
  datetime: ["DateTime", "DateTimeAttributeMetadata"],
  choice: ["Picklist", "PicklistAttributeMetadata"],
  state: ["State", "StateAttributeMetadata"],
  status: ["Status", "StatusAttributeMetadata"],
  lookup: ["Lookup", "LookupAttributeMetadata"],
};

export function entityMetadata(table: TableDefinition): Json {
  return {
    MetadataId: stableId(`entity:${table.logicalName}`),
    LogicalName: table.logicalName,
    SchemaName: table.logicalName,
    EntitySetName: table.entitySetName,
    LogicalCollectionName: table.entitySetName,
    PrimaryIdAttribute: table.primaryIdAttribute,
    PrimaryNameAttribute: table.primaryNameAttribute,
    DisplayName: label(table.displayName),
    IsCustomEntity: table.logicalName.includes("_"),
    OwnershipType: "OrganizationOwned",
  };
}

export function attributeMetadata(
  table: TableDefinition,
  name: string,
  column: ColumnDefinition,
  withOptionSet: boolean,
): Json {
  const [attributeType, odataType] = attributeTypes[column.type];
  const json: Json = {
    "@odata.type": `#Microsoft.Dynamics.CRM.${odataType}`,
    MetadataId: stableId(`attribute:${table.logicalName}.${name}`),
    LogicalName: name,
    SchemaName: name,
    EntityLogicalName: table.logicalName,
    AttributeType: attributeType,
    AttributeTypeName: { Value: `${attributeType}Type` },
    DisplayName: label(column.displayName),
    RequiredLevel: {
      Value: name === table.primaryIdAttribute ? "SystemRequired" : column.required ? "ApplicationRequired" : "None",
    },
    IsPrimaryId: name === table.primaryIdAttribute,
    IsPrimaryName: name === table.primaryNameAttribute,
    IsValidForCreate: !column.readOnly || name === table.primaryIdAttribute,
    IsValidForUpdate: !column.readOnly && !column.createOnly,
    IsValidForRead: !column.secret,
  };
  switch (column.type) {
    case "string":
    case "memo":
      json.MaxLength = column.maxLength;
      break;
    case "integer":
      json.MinValue = column.min ?? -2147483648;
      json.MaxValue = column.max ?? 2147483647;
      break;
    case "decimal":
    case "double":
    case "money":
      json.Precision = column.precision;
      json.MinValue = column.min ?? null;
      json.MaxValue = column.max ?? null;
      break;
    case "datetime":
      json.DateTimeBehavior = { Value: column.behavior };
      json.Format = column.behavior === "DateOnly" ? "DateOnly" : "DateAndTime";
      break;
    case "lookup":
      json.Targets = [...column.targets];
      break;
    case "choice":
    case "state":
    case "status":
      if (withOptionSet) {
        json.OptionSet = {
          OptionSetType: attributeType,
          Options: column.options.map((option) => ({ Value: option.value, Label: label(option.label) })),
        };
      }
      break;
    case "boolean":
      if (withOptionSet) {
        json.OptionSet = {
          OptionSetType: "Boolean",
          TrueOption: { Value: 1, Label: label("Yes") },
          FalseOption: { Value: 0, Label: label("No") },
        };
      }
      break;
    case "uniqueidentifier":
      break;
  }
  return json;
}

function keysMetadata(table: TableDefinition): Json[] {
  return table.alternateKeys.map((key) => ({
    MetadataId: stableId(`key:${table.logicalName}.${key.name}`),
    LogicalName: key.name,
    SchemaName: key.name,
    EntityLogicalName: table.logicalName,
    KeyAttributes: [...key.columns],
    EntityKeyIndexStatus: "Active",
  }));
}

function pick(json: Json, select: string | null, kind: string): Json {
  if (select === null) return json;
  const picked: Json = {};
  if ("@odata.type" in json) picked["@odata.type"] = json["@odata.type"];
  for (const name of select.split(",").map((part) => part.trim())) {
    if (name === "") continue;
    if (!(name in json)) throw unknownProperty(kind, name);
    picked[name] = json[name];
  }
  if ("MetadataId" in json) picked.MetadataId = json.MetadataId;
  // An expanded option set is kept whatever $select says, as expanded navigation properties are.
  if ("OptionSet" in json) picked.OptionSet = json.OptionSet;
  return picked;
}

interface ExpandRequest {
  readonly attributes?: { readonly select: string | null };
  readonly keys: boolean;
}

function parseMetadataExpand(text: string | null): ExpandRequest {
  if (text === null) return { keys: false };
  let attributes: ExpandRequest["attributes"];
  let keys = false;
  for (const part of text.split(/,(?![^(]*\))/)) {
    const match = /^\s*(\w+)(?:\((.*)\))?\s*$/.exec(part);
    const name = match?.[1];
    const options = match?.[2];
    if (name === "Attributes") {
      const select = options === undefined ? null : (/^\$select=([^;]*)$/.exec(options.trim())?.[1] ?? undefined);
      if (select === undefined)
        throw badQuery(`Only $select is supported inside $expand=Attributes(...); got '${options ?? ""}'.`);
      attributes = { select };
    } else if (name === "Keys" && options === undefined) {
      keys = true;
    } else {
      throw badQuery(`$expand=${part.trim()} is not supported on EntityDefinitions; use Attributes or Keys.`);
    }
  }
  return { attributes, keys };
}

/** `LogicalName eq 'x'` (and `EntitySetName`, `SchemaName`), joined by `or`: what clients filter entity definitions by. */
function filterDefinitions(tables: readonly TableDefinition[], filter: string | null): TableDefinition[] {
  if (filter === null) return [...tables];
  const wanted: { property: "LogicalName" | "EntitySetName" | "SchemaName"; value: string }[] = [];
  for (const clause of filter.split(/\s+or\s+/i)) {
    const match = /^\s*\(?\s*(LogicalName|EntitySetName|SchemaName)\s+eq\s+'((?:[^']|'')*)'\s*\)?\s*$/.exec(clause);
    if (match?.[1] === undefined || match[2] === undefined) {
      throw badQuery(
        `$filter on EntityDefinitions supports only "LogicalName eq '...'" (or EntitySetName, SchemaName) joined by 'or'; got '${filter}'.`,
      );
    }
    wanted.push({ property: match[1] as "LogicalName", value: match[2].replaceAll("''", "'") });
  }
  return tables.filter((table) =>
    wanted.some(
      ({ property, value }) => (property === "EntitySetName" ? table.entitySetName : table.logicalName) === value,
    ),
  );
}

function entityJson(table: TableDefinition, params: URLSearchParams): Json {
  const expand = parseMetadataExpand(params.get("$expand"));
  const json = pick(entityMetadata(table), params.get("$select"), "EntityMetadata");
  if (expand.attributes !== undefined) {
    const select = expand.attributes.select;
    json.Attributes = Object.entries(table.columns).map(([name, column]) =>
      pick(attributeMetadata(table, name, column, false), select, "AttributeMetadata"),
    );
  }
  if (expand.keys) json.Keys = keysMetadata(table);
  return json;
}

/** Serves `EntityDefinitions`, `EntityDefinitions(...)`, `.../Attributes[(...)][/<cast>]`. */
export function entityDefinitions(
  tables: readonly TableDefinition[],
  segments: readonly string[],
  params: URLSearchParams,
  baseUrl: string,
): Json {
  const context = `${baseUrl}$metadata#EntityDefinitions`;
  const [first, second, third] = segments;
  const root = splitSegment(first ?? "");
  if (root.key === undefined) {
    if (segments.length > 1) throw segmentNotFound(second ?? "");
    return {
      "@odata.context": context,
      value: filterDefinitions(tables, params.get("$filter")).map((table) => entityJson(table, params)),
    };
  }
  const key = parseKeySegment(root.key);
  const table = tables.find((candidate) =>
    key.kind === "id"
      ? stableId(`entity:${candidate.logicalName}`) === key.id
      : candidate.logicalName === key.values.get("LogicalName"),
  );
  if (table === undefined) throw segmentNotFound(first ?? "");
  if (second === undefined) return { "@odata.context": `${context}/$entity`, ...entityJson(table, params) };
  const attributesSegment = splitSegment(second);
  if (attributesSegment.name !== "Attributes") throw segmentNotFound(second);
  const castType = third;
  const withOptionSet = (params.get("$expand") ?? "")
    .split(",")
    .some((part) => /^(Global)?OptionSet$/.test(part.trim()));
  let attributes = Object.entries(table.columns).map(([name, column]) =>
    attributeMetadata(table, name, column, withOptionSet),
  );
  if (castType !== undefined) {
    attributes = attributes.filter((attribute) => attribute["@odata.type"] === `#${castType}`);
  }
  const select = params.get("$select");
  if (attributesSegment.key !== undefined) {
    const attributeKey = parseKeySegment(attributesSegment.key);
    const found = attributes.find((attribute) =>
      attributeKey.kind === "id"
        ? attribute.MetadataId === attributeKey.id
        : attribute.LogicalName === attributeKey.values.get("LogicalName"),
    );
    if (found === undefined) throw segmentNotFound(second);
    return {
      "@odata.context": `${context}('${table.logicalName}')/Attributes/$entity`,
      ...pick(found, select, "AttributeMetadata"),
    };
  }
  return {
    "@odata.context": `${context}('${table.logicalName}')/Attributes`,
    value: attributes.map((attribute) => pick(attribute, select, "AttributeMetadata")),
  };
}
