/**
 * XML for solution files: a small element tree, parsed with fast-xml-parser (after its validator
 * has checked the text is well-formed, so a broken file is reported with its line and column) and
 * written with xmlbuilder2. Every XML file the packer writes goes through `serializeXml`, so the
 * same content always gives the same bytes (deterministic builds, round trips).
 */
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { create } from "xmlbuilder2";
import type { XMLBuilder } from "xmlbuilder2/lib/interfaces";
import { fail } from "./errors";

export interface XmlElement {
  readonly name: string;
  /** In document order; namespace declarations (`xmlns:xsi`) included. */
  readonly attributes: readonly (readonly [string, string])[];
  /** Child elements, or the element's text (solution files never mix the two). */
  readonly children: readonly XmlElement[];
  readonly text?: string;
}

export type XmlAttributes = Readonly<Record<string, string | number | boolean | undefined>>;

/**
 * Builds an element: `el("Name", { LocalizedName: "Warehouse" }, "msdyn_warehouse")` or
 * `el("attributes", {}, [child, ...])`. Attributes whose value is undefined are left out.
 */
export function el(
  name: string,
  attributes: XmlAttributes = {},
  content?: string | number | readonly (XmlElement | undefined)[],
): XmlElement {
  const attributeList = Object.entries(attributes).flatMap(([key, value]) =>
    value === undefined ? [] : [[key, String(value)] as const],
  );
  if (content === undefined) return { name, attributes: attributeList, children: [] };
  if (typeof content === "string" || typeof content === "number") {
    return { name, attributes: attributeList, children: [], text: String(content) };
  }
  return { name, attributes: attributeList, children: content.filter((child) => child !== undefined) };
}

/** Shorthand for an element holding only text. */
export function textEl(name: string, text: string | number): XmlElement {
  return el(name, {}, text);
}

const predefinedEntities = new Set(["amp", "lt", "gt", "quot", "apos"]);

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: "",
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  processEntities: true,
  // Decodes numeric character references; named HTML entities are refused before parsing.
  htmlEntities: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
});

type ParsedNode = Record<string, unknown>;

function lineAndColumn(text: string, index: number): string {
  const before = text.slice(0, index);
  const line = before.split("\n").length;
  return `${line}:${index - before.lastIndexOf("\n")}`;
}

/**
 * Parses one XML file. A file that is not well-formed stops the build with the file name, the
 * line and column, and the parser's complaint.
 */
export function parseXml(text: string, file: string): XmlElement {
  const source = text.startsWith("\uFEFF") ? text.slice(1) : text;
  const validation = XMLValidator.validate(source, { allowBooleanAttributes: false });
  if (validation !== true) {
    fail("MALFORMED_XML", file, `line ${validation.err.line}, column ${validation.err.col}: ${validation.err.msg}`);
  }
  // The validator accepts references to entities XML does not define; libxml2 and Dataverse do not.
  for (const match of source.matchAll(/&([A-Za-z_][\w.-]*);/g)) {
    if (!predefinedEntities.has(match[1] ?? "")) {
      fail("MALFORMED_XML", file, `line ${lineAndColumn(source, match.index)}: undefined entity &${match[1]};`);
    }
  }
  const roots = (parser.parse(source) as ParsedNode[]).map((node) => toElement(node));
  const root = roots[0];
  if (roots.length !== 1 || root === undefined) {
    fail("MALFORMED_XML", file, `expected one root element, found ${roots.length}`);
  }
  return root;
}

function toElement(node: ParsedNode): XmlElement {
  const name = Object.keys(node).find((key) => key !== ":@");
  if (name === undefined) throw new Error("fast-xml-parser returned a node without a name");
  const attributes = Object.entries((node[":@"] ?? {}) as Record<string, string>);
  const content = node[name] as ParsedNode[];
  const texts = content.filter((child) => "#text" in child).map((child) => String(child["#text"]));
  const elements = content.filter((child) => !("#text" in child)).map((child) => toElement(child));
  return texts.length > 0
    ? { name, attributes, children: elements, text: texts.join("") }
    : { name, attributes, children: elements };
}

function writeInto(parent: XMLBuilder, element: XmlElement): void {
  const node = parent.ele(element.name, Object.fromEntries(element.attributes));
  if (element.text !== undefined && element.text !== "") node.txt(element.text);
  for (const child of element.children) writeInto(node, child);
}

/** The file text of a document: UTF-8 declaration, two-space indentation, final newline. */
export function serializeXml(root: XmlElement): string {
  const document = create({ version: "1.0", encoding: "utf-8" });
  writeInto(document, root);
  return `${document.end({ prettyPrint: true, indent: "  ", newline: "\n" })}\n`;
}

/** Serialized without a declaration or indentation, for comparing content. */
export function canonicalXml(element: XmlElement): string {
  const document = create();
  writeInto(document, element);
  return document.end({ headless: true });
}

export function attribute(element: XmlElement, name: string): string | undefined {
  return element.attributes.find(([key]) => key === name)?.[1];
}

export function childElements(element: XmlElement, name?: string): readonly XmlElement[] {
  return name === undefined ? element.children : element.children.filter((child) => child.name === name);
}

export function childElement(element: XmlElement, name: string): XmlElement | undefined {
  return element.children.find((child) => child.name === name);
}

export function childText(element: XmlElement, name: string): string | undefined {
  return childElement(element, name)?.text;
}

/** Every descendant (depth first, document order) that satisfies `predicate`. */
export function descendants(element: XmlElement, predicate: (candidate: XmlElement) => boolean): XmlElement[] {
  return element.children.flatMap((child) => [...(predicate(child) ? [child] : []), ...descendants(child, predicate)]);
}

/** A copy with one attribute set (added at the end when new). */
export function withAttribute(element: XmlElement, name: string, value: string): XmlElement {
  const exists = element.attributes.some(([key]) => key === name);
  return {
    ...element,
    attributes: exists
      ? element.attributes.map(([key, old]) => [key, key === name ? value : old] as const)
      : [...element.attributes, [name, value] as const],
  };
}

/** A copy without the namespace declarations, for embedding a file's root in a larger document. */
export function withoutNamespaceDeclarations(element: XmlElement): XmlElement {
  return { ...element, attributes: element.attributes.filter(([key]) => key !== "xmlns" && !key.startsWith("xmlns:")) };
}

/** A copy with its children replaced. */
export function withChildren(element: XmlElement, children: readonly XmlElement[]): XmlElement {
  return { name: element.name, attributes: element.attributes, children };
}

/** A copy whose children named `name` have their text replaced (or one added at the end). */
export function withChildText(element: XmlElement, name: string, text: string): XmlElement {
  const exists = element.children.some((child) => child.name === name);
  return withChildren(
    element,
    exists
      ? element.children.map((child) => (child.name === name ? { ...child, children: [], text } : child))
      : [...element.children, textEl(name, text)],
  );
}

export const xsiNamespace = "http://www.w3.org/2001/XMLSchema-instance";
