/**
 * OData query strings for both emulators: `$filter` expressions built from a table's property
 * names (valid ones, near misses, operators and functions no emulator supports, literals of the
 * wrong type, nesting deep enough to exhaust a recursive parser), `$select`, `$orderby`, `$top`,
 * `$skip`, `$count`, `$expand`, `$apply`, `fetchXml`, unknown and repeated options — each value
 * sent encoded, raw or with broken percent-encoding.
 */
import fc from "fast-check";
import {
  PROTOTYPE_KEYS,
  hostileNumberLiteral,
  hostileString,
  malformedPercent,
  percentEncode,
  wireText,
} from "./hostile";

/** Longest query text generated: well inside Node's 16 KiB request header limit. */
const MAX_QUERY_CHARS = 8_000;

export interface QueryVocabulary {
  /** Property names of the collection (`msdyn_name`, `_msdyn_company_value`). */
  readonly properties: readonly string[];
  /** Navigation properties for `$expand`. */
  readonly navigation?: readonly string[];
}

function literal(): fc.Arbitrary<string> {
  return fc.oneof(
    { arbitrary: fc.string({ maxLength: 12 }).map((text) => `'${text.replaceAll("'", "''")}'`), weight: 4 },
    { arbitrary: hostileString({ long: false }).map((text) => `'${text}'`), weight: 2 },
    { arbitrary: hostileNumberLiteral(), weight: 3 },
    {
      arbitrary: fc.constantFrom(
        "null",
        "true",
        "false",
        "2024-05-01",
        "2024-05-01T10:00:00Z",
        "9999-12-31T23:59:59Z",
        "-INF",
        "NaN",
        "duration'P1D'",
        "'",
        "''''",
        "Edm.String'x'",
      ),
      weight: 2,
    },
    { arbitrary: fc.uuid(), weight: 2 },
  );
}

const OPERATORS = ["eq", "ne", "gt", "ge", "lt", "le"];
const ODD_OPERATORS = ["has", "in", "add", "sub", "mul", "div", "mod", "like", "=", "==", "<>", "is"];
const FUNCTIONS = ["contains", "startswith", "endswith"];
const ODD_FUNCTIONS = [
  "tolower",
  "toupper",
  "length",
  "indexof",
  "substring",
  "substringof",
  "trim",
  "concat",
  "year",
  "geo.distance",
  "Microsoft.Dynamics.CRM.Today",
  "any",
  "cast",
  "isof",
];

export function filterExpression(vocabulary: QueryVocabulary): fc.Arbitrary<string> {
  const property = fc.oneof(
    { arbitrary: fc.constantFrom(...vocabulary.properties), weight: 5 },
    {
      arbitrary: fc.constantFrom(
        "x",
        "_x_value",
        "$it",
        "@p1",
        "msdyn_company/cdm_name",
        "1",
        "''",
        ...PROTOTYPE_KEYS,
        "_constructor_value",
      ),
      weight: 1,
    },
  );
  const operator = fc.oneof(
    { arbitrary: fc.constantFrom(...OPERATORS), weight: 6 },
    { arbitrary: fc.constantFrom(...ODD_OPERATORS), weight: 1 },
  );
  const name = fc.oneof(
    { arbitrary: fc.constantFrom(...FUNCTIONS), weight: 3 },
    { arbitrary: fc.constantFrom(...ODD_FUNCTIONS), weight: 1 },
  );
  const { expression } = fc.letrec<{ expression: string }>((tie) => ({
    expression: fc.oneof(
      { maxDepth: 4, depthSize: "small" },
      {
        arbitrary: fc.tuple(property, operator, literal()).map(([left, op, right]) => `${left} ${op} ${right}`),
        weight: 6,
      },
      {
        arbitrary: fc.tuple(name, property, literal()).map(([fn, left, right]) => `${fn}(${left},${right})`),
        weight: 2,
      },
      {
        arbitrary: fc
          .tuple(tie("expression"), fc.constantFrom("and", "or", "AND", "&&"), tie("expression"))
          .map(([a, join, b]) => `${a} ${join} ${b}`),
        weight: 3,
      },
      { arbitrary: tie("expression").map((inner) => `not (${inner})`), weight: 1 },
      { arbitrary: tie("expression").map((inner) => `(${inner})`), weight: 1 },
    ),
  }));
  return fc.oneof(
    { arbitrary: expression, weight: 8 },
    // Nesting that a recursive-descent parser follows one frame per level.
    {
      arbitrary: fc
        .tuple(fc.integer({ min: 200, max: 3_000 }), property)
        .map(([depth, left]) => `${"(".repeat(depth)}${left} eq 1${")".repeat(depth)}`),
      weight: 1,
    },
    {
      arbitrary: fc
        .tuple(fc.integer({ min: 200, max: 1_500 }), property)
        .map(([depth, left]) => `${"not ".repeat(depth)}${left} eq 1`),
      weight: 1,
    },
    {
      arbitrary: fc
        .tuple(fc.integer({ min: 100, max: 600 }), property)
        .map(([count, left]) => Array.from({ length: count }, (_, index) => `${left} eq ${index}`).join(" or ")),
      weight: 1,
    },
    { arbitrary: hostileString({ long: false }), weight: 2 },
  );
}

function propertyList(vocabulary: QueryVocabulary, withDirection: boolean): fc.Arbitrary<string> {
  const item = fc.oneof(
    { arbitrary: fc.constantFrom(...vocabulary.properties), weight: 5 },
    {
      arbitrary: fc.constantFrom(
        "*",
        "",
        " ",
        "x",
        "msdyn_company/cdm_name",
        "$count",
        "@odata.etag",
        ...PROTOTYPE_KEYS,
      ),
      weight: 1,
    },
    { arbitrary: hostileString({ long: false }), weight: 1 },
  );
  const direction = withDirection ? fc.constantFrom("", "", " asc", " desc", " DESC", " sideways") : fc.constant("");
  return fc
    .array(
      fc.tuple(item, direction).map(([name, dir]) => `${name}${dir}`),
      { minLength: 1, maxLength: 5 },
    )
    .map((items) => items.join(","));
}

function expand(vocabulary: QueryVocabulary): fc.Arbitrary<string> {
  const navigation = vocabulary.navigation ?? [];
  const nav = fc.oneof(
    { arbitrary: navigation.length > 0 ? fc.constantFrom(...navigation) : fc.constant("x"), weight: 4 },
    { arbitrary: fc.constantFrom("x", "", "msdyn_company(", "*"), weight: 1 },
  );
  const options = fc.oneof(
    fc.constant(""),
    fc.constantFrom("cdm_name,cdm_companycode", "*", "x", "", "msdyn_name").map((select) => `($select=${select})`),
    fc.constantFrom(
      "($filter=x eq 1)",
      "($top=1)",
      "($select=cdm_name;$expand=x)",
      "(",
      ")",
      "(($select=a))",
      "($select=)",
    ),
  );
  return fc
    .array(
      fc.tuple(nav, options).map(([name, option]) => `${name}${option}`),
      { minLength: 1, maxLength: 3 },
    )
    .map((items) => items.join(","));
}

function optionValue(name: string, vocabulary: QueryVocabulary): fc.Arbitrary<string> {
  switch (name) {
    case "$filter":
      return filterExpression(vocabulary);
    case "$select":
      return propertyList(vocabulary, false);
    case "$orderby":
      return propertyList(vocabulary, true);
    case "$top":
    case "$skip":
      return fc.oneof(
        fc.nat({ max: 50 }).map(String),
        hostileNumberLiteral(),
        fc.constantFrom("", "-1", "1.5", "abc", "99999999999999999999", "0x10"),
      );
    case "$count":
      return fc.constantFrom("true", "false", "TRUE", "1", "", "yes");
    case "$expand":
      return expand(vocabulary);
    case "$apply":
      return fc.constantFrom("groupby((msdyn_name))", "aggregate($count as n)", "filter(x eq 1)", "", "((");
    case "fetchXml":
      return fc.constantFrom(
        '<fetch><entity name="account"/></fetch>',
        "<fetch",
        "",
        "<!DOCTYPE x [<!ENTITY e SYSTEM 'file:///etc/passwd'>]><fetch/>",
      );
    case "$skiptoken":
      return fc.constantFrom(
        '<cookie pagenumber="2" offset="1" />',
        '<cookie pagenumber="2" offset="99999999999999999999" />',
        "",
        "abc",
        "<cookie/>",
      );
    default:
      return hostileString({ long: false });
  }
}

const OPTION_NAMES = [
  "$filter",
  "$select",
  "$orderby",
  "$top",
  "$skip",
  "$count",
  "$expand",
  "$apply",
  "fetchXml",
  "$skiptoken",
];

/** A query string (without `?`): options from `names`, each value on the wire encoded, raw or broken. */
export function queryString(
  vocabulary: QueryVocabulary,
  names: readonly string[] = OPTION_NAMES,
): fc.Arbitrary<string> {
  const name = fc.oneof(
    { arbitrary: fc.constantFrom(...names), weight: 10 },
    {
      arbitrary: fc.constantFrom(
        "$search",
        "$format",
        "$levels",
        "$compute",
        "$index",
        "$FILTER",
        "filter",
        "$",
        "cross-company",
        "company",
        "tag",
        "@p1",
      ),
      weight: 1,
    },
  );
  const pair = name.chain((option) =>
    fc
      .oneof(
        { arbitrary: optionValue(option, vocabulary).map(percentEncode), weight: 6 },
        { arbitrary: wireText(optionValue(option, vocabulary)), weight: 2 },
        { arbitrary: malformedPercent(), weight: 1 },
      )
      .map((value) => `${percentEncode(option)}=${value}`),
  );
  return fc.array(pair, { minLength: 0, maxLength: 4 }).map((pairs) => pairs.join("&").slice(0, MAX_QUERY_CHARS));
}
