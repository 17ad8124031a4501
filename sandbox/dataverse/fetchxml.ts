/**
 * FetchXML on an entity set (`GET <set>?fetchXml=<fetch …>`; Learn, "Use FetchXml to query data",
 * PA `developer/data-platform/fetchxml/overview.md` and its reference pages), translated into the
 * OData query the emulator already runs, so both languages read rows the same way:
 * `<fetch top count page>`, `<entity name>` (the entity set's table), `<attribute>`,
 * `<all-attributes>`, `<order attribute descending>`, `<filter type="and|or">` (nested) with
 * `<condition attribute operator value>` for eq, ne, gt, ge, lt, le, like, not-like, begins-with,
 * ends-with, null, not-null, in, not-in (`<value>` children).
 *
 * A query that is not well-formed FetchXML is refused with 400. What the emulator does not
 * implement (link-entity, aggregates, other operators) is refused with 400 naming it: the
 * emulator is not the place to learn those; **Unconfirmed**: the error code Dataverse uses for an
 * invalid FetchXML query (`FETCHXML_ERROR_CODE`, kept here only).
 */
import { XMLParser } from "fast-xml-parser";
import type { TableDefinition } from "@fsi/core";
import { DataverseError } from "./errors";

export const FETCHXML_ERROR_CODE = "0x80041103";

export interface FetchQuery {
  /** OData query options equivalent to the FetchXML. */
  readonly params: URLSearchParams;
  /** `<fetch count page>`: rows per page and the page (1-based), when paging. */
  readonly page: { readonly size: number; readonly number: number } | undefined;
}

type XmlNode = Record<string, unknown>;

function invalid(message: string): DataverseError {
  return new DataverseError(400, FETCHXML_ERROR_CODE, message);
}

function children(node: XmlNode, name: string): XmlNode[] {
  const value = node[name];
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).map((child) =>
    typeof child === "object" && child !== null ? (child as XmlNode) : {},
  );
}

function attribute(node: XmlNode, name: string): string | undefined {
  const value = node[`@_${name}`];
  return typeof value === "string" || typeof value === "number" || typeof value === "boolean"
    ? String(value)
    : undefined;
}

const KNOWN: Readonly<Record<string, readonly string[]>> = {
  fetch: ["entity"],
  entity: ["attribute", "all-attributes", "order", "filter"],
  filter: ["condition", "filter"],
  condition: ["value"],
};

function checkChildren(node: XmlNode, element: string): void {
  for (const name of Object.keys(node)) {
    if (name.startsWith("@_") || name === "#text") continue;
    if (!(KNOWN[element] ?? []).includes(name))
      throw invalid(`FetchXML <${name}> inside <${element}> is not supported by the Dataverse emulator.`);
  }
}

function literal(table: TableDefinition, column: string, text: string): string {
  const definition = table.columns[column];
  if (definition === undefined)
    throw invalid(`'${table.logicalName}' entity doesn't contain attribute with Name = '${column}'.`);
  switch (definition.type) {
    case "integer":
    case "decimal":
    case "double":
    case "money":
    case "choice":
    case "state":
    case "status":
      if (!Number.isFinite(Number(text)) || text.trim() === "")
        throw invalid(`'${text}' is not a valid value for ${column}.`);
      return String(Number(text));
    case "boolean":
      return text === "1" || text.toLowerCase() === "true" ? "true" : "false";
    case "lookup":
    case "uniqueidentifier":
      return text.replace(/[{}]/g, "");
    case "datetime":
      return text;
    default:
      return `'${text.replaceAll("'", "''")}'`;
  }
}

function property(table: TableDefinition, column: string): string {
  if (table.columns[column] === undefined)
    throw invalid(`'${table.logicalName}' entity doesn't contain attribute with Name = '${column}'.`);
  return table.columns[column].type === "lookup" ? `_${column}_value` : column;
}

function likeCondition(prop: string, pattern: string, negate: boolean): string {
  const inner = pattern.replace(/^%/, "").replace(/%$/, "");
  if (inner.includes("%") || inner.includes("_"))
    throw invalid(
      `The like pattern '${pattern}' is not supported by the Dataverse emulator (only leading or trailing %).`,
    );
  const quoted = `'${inner.replaceAll("'", "''")}'`;
  const expression =
    pattern.startsWith("%") && pattern.endsWith("%")
      ? `contains(${prop},${quoted})`
      : pattern.endsWith("%")
        ? `startswith(${prop},${quoted})`
        : pattern.startsWith("%")
          ? `endswith(${prop},${quoted})`
          : `${prop} eq ${quoted}`;
  return negate ? `not (${expression})` : expression;
}

function condition(table: TableDefinition, node: XmlNode): string {
  checkChildren(node, "condition");
  const column = attribute(node, "attribute");
  const operator = attribute(node, "operator");
  if (column === undefined || operator === undefined)
    throw invalid("A FetchXML <condition> needs attribute and operator.");
  const prop = property(table, column);
  const value = attribute(node, "value");
  const need = (): string => {
    if (value === undefined) throw invalid(`The condition operator '${operator}' on ${column} needs a value.`);
    return value;
  };
  const comparison: Readonly<Record<string, string>> = {
    eq: "eq",
    ne: "ne",
    neq: "ne",
    gt: "gt",
    ge: "ge",
    lt: "lt",
    le: "le",
  };
  const odata = comparison[operator];
  if (odata !== undefined) return `${prop} ${odata} ${literal(table, column, need())}`;
  switch (operator) {
    case "null":
      return `${prop} eq null`;
    case "not-null":
      return `${prop} ne null`;
    case "like":
      return likeCondition(prop, need(), false);
    case "not-like":
      return likeCondition(prop, need(), true);
    case "begins-with":
      return likeCondition(prop, `${need()}%`, false);
    case "ends-with":
      return likeCondition(prop, `%${need()}`, false);
    case "in":
    case "not-in": {
      const raw = node.value;
      const values = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).map((child: unknown) => {
        const text = typeof child === "object" && child !== null ? (child as XmlNode)["#text"] : child;
        return typeof text === "string" || typeof text === "number" ? String(text) : "";
      });
      if (values.length === 0)
        throw invalid(`The condition operator '${operator}' on ${column} needs <value> elements.`);
      const any = values.map((text) => `${prop} eq ${literal(table, column, text)}`).join(" or ");
      return operator === "in" ? `(${any})` : `not (${any})`;
    }
    default:
      throw invalid(`The condition operator '${operator}' is not supported by the Dataverse emulator.`);
  }
}

function filter(table: TableDefinition, node: XmlNode): string | undefined {
  checkChildren(node, "filter");
  const type = attribute(node, "type") ?? "and";
  if (type !== "and" && type !== "or") throw invalid(`A FetchXML <filter> type must be 'and' or 'or', not '${type}'.`);
  const parts = [
    ...children(node, "condition").map((child) => condition(table, child)),
    ...children(node, "filter").flatMap((child) => filter(table, child) ?? []),
  ];
  if (parts.length === 0) return undefined;
  return parts.length === 1 ? parts[0] : `(${parts.map((part) => `(${part})`).join(` ${type} `)})`;
}

function positive(text: string | undefined, name: string): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1)
    throw invalid(`The fetch attribute ${name} must be a positive whole number, not '${text}'.`);
  return value;
}

/** The OData query options a FetchXML query on `table` stands for. */
export function fetchXmlQuery(table: TableDefinition, fetchXml: string): FetchQuery {
  let parsed: unknown;
  try {
    parsed = new XMLParser({
      ignoreAttributes: false,
      attributeNamePrefix: "@_",
      parseAttributeValue: false,
      parseTagValue: false,
      isArray: (name) => ["attribute", "order", "filter", "condition", "value", "entity"].includes(name),
    }).parse(fetchXml, true);
  } catch (error) {
    throw invalid(`The FetchXML is not well-formed XML: ${error instanceof Error ? error.message : String(error)}`);
  }
  const fetch = (parsed as XmlNode).fetch;
  if (typeof fetch !== "object" || fetch === null) throw invalid("A FetchXML query has a <fetch> root element.");
  const root = fetch as XmlNode;
  checkChildren(root, "fetch");
  if (attribute(root, "aggregate") === "true")
    throw invalid("FetchXML aggregation is not supported by the Dataverse emulator.");
  const [entity, ...more] = children(root, "entity");
  if (entity === undefined || more.length > 0) throw invalid("A FetchXML query has exactly one <entity>.");
  checkChildren(entity, "entity");
  if (attribute(entity, "name") !== table.logicalName) {
    throw invalid(
      `The FetchXML entity '${attribute(entity, "name") ?? ""}' does not match the entity set's table '${table.logicalName}'.`,
    );
  }
  const params = new URLSearchParams();
  if (entity["all-attributes"] === undefined) {
    const selected = children(entity, "attribute").map((node) => property(table, attribute(node, "name") ?? ""));
    if (selected.length > 0) params.set("$select", [...new Set(selected)].join(","));
  }
  const orders = children(entity, "order").map(
    (node) =>
      `${property(table, attribute(node, "attribute") ?? "")}${attribute(node, "descending") === "true" ? " desc" : ""}`,
  );
  if (orders.length > 0) params.set("$orderby", orders.join(","));
  const filters = children(entity, "filter").flatMap((node) => filter(table, node) ?? []);
  if (filters.length > 0)
    params.set("$filter", filters.length === 1 ? (filters[0] ?? "") : filters.map((part) => `(${part})`).join(" and "));
  const top = positive(attribute(root, "top"), "top");
  const count = positive(attribute(root, "count"), "count");
  if (top !== undefined && count !== undefined)
    throw invalid("The fetch attributes top and count cannot be used together.");
  if (top !== undefined) params.set("$top", String(top));
  const pageNumber = positive(attribute(root, "page"), "page") ?? 1;
  return { params, page: count === undefined ? undefined : { size: count, number: pageNumber } };
}
