/**
 * Hostile inputs shared by every fuzz suite: strings, numbers and JSON documents a careless or
 * malicious client sends, and mutations of a valid document (one field broken at a time, so the
 * fuzzer gets past the first check and reaches the code behind it).
 */
import fc from "fast-check";
import { type JsonNode, editAt, jsonNodeOf, jsonText, nodePaths, raw, renderJson } from "./json-text";

/** Keys that reach `Object.prototype` when code assigns them into a plain object. */
export const PROTOTYPE_KEYS = [
  "__proto__",
  "constructor",
  "prototype",
  "toString",
  "valueOf",
  "hasOwnProperty",
  "__defineGetter__",
  "isPrototypeOf",
] as const;

const NASTY_STRINGS = [
  "",
  " ",
  "\u0000",
  "\r\n",
  "\t\b\f\v",
  "null",
  "undefined",
  "NaN",
  "Infinity",
  "-0",
  "1e999",
  "true",
  "' OR 1=1 --",
  "'; DROP TABLE msdyn_warehouse; --",
  '" OR ""="',
  "../../../../etc/passwd",
  "%00",
  "%E0%A4%A",
  "%",
  "\uD800",
  "\uDFFF",
  "\u202Eevil",
  "\uFEFF",
  "\u200B\u200D",
  "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 🏭",
  "Ω≈ç√∫˜µ≤≥÷",
  "/Date(8640000000000001)/",
  "/Date(-99999999999999999999)/",
  "/Date(abc)/",
  "00000000-0000-0000-0000-000000000000",
  "{00000000-0000-0000-0000-000000000000}",
  "ffffffff-ffff-ffff-ffff-ffffffffffff",
  "${process.exit()}",
  "<script>alert(1)</script>",
  "0x80040217",
  "usmf",
  "USMF",
  ...PROTOTYPE_KEYS,
];

/** Lengths around the limits the definitions use (100, 255, 4000, 1 MiB request bodies). */
const LONG_LENGTHS = [99, 100, 101, 255, 256, 4000, 4001, 10_000, 65_536];

export function longString(maxLength = 65_536): fc.Arbitrary<string> {
  return fc
    .tuple(
      fc.constantFrom(...LONG_LENGTHS.filter((length) => length <= maxLength)),
      fc.constantFrom("x", "é", "🏭", "\u0000", "'"),
    )
    .map(([length, unit]) => unit.repeat(Math.ceil(length / unit.length)));
}

export function hostileString(options: { maxLength?: number; long?: boolean } = {}): fc.Arbitrary<string> {
  const maxLength = options.maxLength ?? 40;
  return fc.oneof(
    { arbitrary: fc.constantFrom(...NASTY_STRINGS), weight: 4 },
    { arbitrary: fc.string({ unit: "binary", maxLength }), weight: 3 },
    { arbitrary: fc.string({ unit: "binary-ascii", maxLength }), weight: 2 },
    { arbitrary: fc.string({ maxLength }), weight: 2 },
    { arbitrary: longString(), weight: options.long === false ? 0 : 1 },
  );
}

/** Object keys: prototype keys, OData-ish names, anything. */
export function hostileKey(known: readonly string[] = []): fc.Arbitrary<string> {
  return fc.oneof(
    { arbitrary: fc.constantFrom(...PROTOTYPE_KEYS), weight: 3 },
    { arbitrary: known.length > 0 ? fc.constantFrom(...known) : fc.constant("msdyn_name"), weight: 3 },
    {
      arbitrary: fc.constantFrom(
        "@odata.type",
        "@odata.bind",
        "x@odata.bind",
        "@odata.etag",
        "$id",
        "__type",
        "key",
        "value",
        "",
      ),
      weight: 2,
    },
    { arbitrary: hostileString({ long: false }), weight: 2 },
  );
}

/** Number literals as JSON text, including ones `JSON.stringify` never writes. */
export function hostileNumberLiteral(): fc.Arbitrary<string> {
  return fc.oneof(
    fc.constantFrom(
      "0",
      "-0",
      "1",
      "-1",
      "2147483647",
      "2147483648",
      "-2147483649",
      "9007199254740993",
      "-9007199254740993",
      "1e999",
      "-1e999",
      "1E-400",
      "123456789012345678901234567890",
      "1.7976931348623157e308",
      "5e-324",
      "0.1",
      "1.5",
      "192350002",
      "690970003",
      "100000000000",
    ),
    fc.integer().map(String),
    fc.double({ noNaN: true, noDefaultInfinity: true }).map((value) => JSON.stringify(value)),
  );
}

/** A deep nest within a size limit: `[[[...]]]` or `{"a":{"a":...}}`. */
export function deepNest(maxDepth = 100_000): fc.Arbitrary<JsonNode> {
  return fc
    .tuple(fc.integer({ min: 1_000, max: maxDepth }), fc.boolean())
    .map(([depth, arrays]) =>
      raw(arrays ? `${"[".repeat(depth)}${"]".repeat(depth)}` : `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`),
    );
}

/** Any JSON document, leaning hostile: odd keys, odd literals, duplicate keys, deep nests. */
export function hostileJson(options: { keys?: readonly string[]; deep?: boolean } = {}): fc.Arbitrary<JsonNode> {
  const leaf = fc.oneof(
    hostileString().map((text) => raw(JSON.stringify(text))),
    hostileNumberLiteral().map(raw),
    fc.constantFrom(raw("true"), raw("false"), raw("null")),
  );
  const { node } = fc.letrec<{ node: JsonNode }>((tie) => ({
    node: fc.oneof(
      { maxDepth: 4, depthSize: "small" },
      { arbitrary: leaf, weight: 4 },
      { arbitrary: fc.array(tie("node"), { maxLength: 5 }).map((items): JsonNode => ({ array: items })), weight: 1 },
      {
        arbitrary: fc
          .array(fc.tuple(hostileKey(options.keys), tie("node")), { maxLength: 6 })
          .map((entries): JsonNode => ({ object: entries })),
        weight: 2,
      },
    ),
  }));
  return fc.oneof(
    { arbitrary: node, weight: 6 },
    { arbitrary: fc.jsonValue().map(jsonNodeOf), weight: 2 },
    { arbitrary: fc.anything({ maxDepth: 3 }).map((value) => raw(jsonText(value))), weight: 2 },
    { arbitrary: deepNest(), weight: options.deep === false ? 0 : 1 },
  );
}

/** A scalar a field may be given as, leaning hostile: odd text, odd number literals, booleans, null. */
export function hostileScalar(): fc.Arbitrary<JsonNode> {
  return fc.oneof(
    { arbitrary: hostileString().map((text) => raw(JSON.stringify(text))), weight: 4 },
    { arbitrary: hostileNumberLiteral().map(raw), weight: 3 },
    { arbitrary: fc.constantFrom(raw("true"), raw("false"), raw("null")), weight: 1 },
  );
}

/**
 * A valid document with hostile entries added to the object at `path` (a later duplicate key
 * overrides an earlier one in most parsers, so this also replaces fields' values).
 */
export function withEntries(
  valid: fc.Arbitrary<unknown>,
  path: readonly (string | number)[],
  entries: fc.Arbitrary<(readonly [string, JsonNode])[]>,
): fc.Arbitrary<JsonNode> {
  return fc
    .tuple(valid, entries)
    .map(
      ([document, added]) =>
        editAt(jsonNodeOf(document), path, (target) =>
          "object" in target ? { object: [...target.object, ...added] } : { object: added },
        ) ?? raw("{}"),
    );
}

/** A valid document with hostile items appended to the array at `path`. */
export function withItems(
  valid: fc.Arbitrary<unknown>,
  path: readonly (string | number)[],
  items: fc.Arbitrary<JsonNode[]>,
): fc.Arbitrary<JsonNode> {
  return fc
    .tuple(valid, items)
    .map(
      ([document, added]) =>
        editAt(jsonNodeOf(document), path, (target) =>
          "array" in target ? { array: [...target.array, ...added] } : { array: added },
        ) ?? raw("[]"),
    );
}

/** One change to a valid document: what to do, where (an index into its nodes), with what. */
interface Mutation {
  readonly at: number;
  readonly kind: "replace" | "remove" | "addKey" | "duplicateKey" | "wrapInArray" | "stringify";
  readonly key: string;
  readonly value: JsonNode;
}

function applyMutation(document: JsonNode, mutation: Mutation): JsonNode {
  const paths = nodePaths(document);
  const path = paths[mutation.at % paths.length] ?? [];
  const edited = editAt(document, path, (target): JsonNode | undefined => {
    switch (mutation.kind) {
      case "replace":
        return mutation.value;
      case "remove":
        return path.length === 0 ? raw("{}") : undefined;
      case "addKey":
        return "object" in target ? { object: [...target.object, [mutation.key, mutation.value]] } : mutation.value;
      case "duplicateKey": {
        if (!("object" in target) || target.object.length === 0) return mutation.value;
        const [first] = target.object;
        return first === undefined ? target : { object: [...target.object, [first[0], mutation.value]] };
      }
      case "wrapInArray":
        return { array: [target] };
      case "stringify":
        return raw(JSON.stringify(renderJson(target)));
    }
  });
  return edited ?? raw("{}");
}

/**
 * A valid document broken in one to three places: a field replaced by a hostile value or removed,
 * a hostile key added, a key given twice, a value wrapped in an array or turned into a string.
 */
export function mutated(
  valid: fc.Arbitrary<unknown>,
  options: { keys?: readonly string[] } = {},
): fc.Arbitrary<JsonNode> {
  const mutation = fc.record({
    at: fc.nat(),
    kind: fc.constantFrom<Mutation["kind"]>(
      "replace",
      "replace",
      "replace",
      "remove",
      "addKey",
      "duplicateKey",
      "wrapInArray",
      "stringify",
    ),
    key: hostileKey(options.keys),
    value: hostileJson({ ...options, deep: true }),
  });
  return fc
    .tuple(valid, fc.array(mutation, { minLength: 1, maxLength: 3 }))
    .map(([document, mutations]) => mutations.reduce(applyMutation, jsonNodeOf(document)));
}

/** Bodies that are not JSON documents at all, or broken ones. */
export function malformedBody(valid?: fc.Arbitrary<unknown>): fc.Arbitrary<Buffer> {
  const text = (arbitrary: fc.Arbitrary<string>) => arbitrary.map((value) => Buffer.from(value, "utf8"));
  const choices: fc.WeightedArbitrary<Buffer>[] = [
    { arbitrary: fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes)), weight: 2 },
    {
      arbitrary: text(
        fc.constantFrom(
          "",
          " ",
          "\n",
          "{",
          "}",
          "[",
          "{,}",
          "{'a':1}",
          "{a:1}",
          "[1,]",
          '{"a":1,}',
          "nul",
          "NaN",
          "undefined",
          '"\\u12"',
          "// comment\n{}",
          '{"a":1} trailing',
          "\uFEFF{}",
          "{}{}",
          '"unterminated',
        ),
      ),
      weight: 3,
    },
    {
      arbitrary: fc.constantFrom(
        Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d]),
        Buffer.from([0xff, 0xfe, 0x7b, 0x00, 0x7d, 0x00]),
      ),
      weight: 1,
    },
    { arbitrary: text(fc.string({ unit: "binary", maxLength: 200 })), weight: 2 },
  ];
  if (valid !== undefined) {
    // A valid document cut short: every prefix is a different syntax error.
    choices.push({
      arbitrary: fc.tuple(valid, fc.nat()).map(([document, cut]) => {
        const whole = JSON.stringify(document);
        return Buffer.from(whole.slice(0, cut % Math.max(1, whole.length)), "utf8");
      }),
      weight: 3,
    });
  }
  return fc.oneof(...choices);
}

/**
 * A request body: mostly a valid document with hostile values in the right places (`structured`:
 * it passes the first checks and reaches the code behind them) or broken in one to three places,
 * else any hostile JSON, else bytes that are not JSON. Valid documents themselves come through
 * now and then, so the 2xx branch of each property is exercised too.
 */
export function hostileBody(
  valid: fc.Arbitrary<unknown>,
  options: { keys?: readonly string[]; structured?: fc.Arbitrary<JsonNode> } = {},
): fc.Arbitrary<Buffer> {
  const utf8 = (node: JsonNode) => Buffer.from(renderJson(node), "utf8");
  return fc.oneof(
    {
      arbitrary: options.structured === undefined ? mutated(valid, options).map(utf8) : options.structured.map(utf8),
      weight: 5,
    },
    { arbitrary: mutated(valid, options).map(utf8), weight: 4 },
    { arbitrary: hostileJson(options).map((node) => Buffer.from(renderJson(node), "utf8")), weight: 3 },
    { arbitrary: malformedBody(valid), weight: 2 },
    { arbitrary: valid.map((document) => Buffer.from(JSON.stringify(document), "utf8")), weight: 2 },
  );
}

/** Content types a client may send, JSON or not; `undefined` sends none. */
export function contentType(): fc.Arbitrary<string | undefined> {
  return fc.oneof(
    { arbitrary: fc.constant("application/json"), weight: 16 },
    {
      arbitrary: fc.constantFrom(
        undefined,
        "application/json; charset=utf-8",
        "APPLICATION/JSON",
        "application/json; charset=latin1",
        "application/vnd.api+json",
        "application/json-seq",
        "text/plain",
        "text/plain; charset=utf-8",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "multipart/mixed; boundary=batch_1",
        "application/xml",
        "text/xml",
        "application/octet-stream",
        "",
        ";",
        "*/*",
        "application/jsonx",
        "application/json, text/plain",
        "json",
      ),
      weight: 3,
    },
  );
}

/** Text with malformed percent-encoding, for path segments and query values. */
export function malformedPercent(): fc.Arbitrary<string> {
  return fc.oneof(
    fc.constantFrom(
      "%",
      "%%",
      "%G0",
      "%E0%A4%A",
      "%C3",
      "%C3%28",
      "%FF",
      "%ED%A0%80",
      "%2",
      "%u0041",
      "%00",
      "%2F..%2F",
      "%25%32%35",
    ),
    fc
      .tuple(fc.string({ maxLength: 5 }), fc.constantFrom("%", "%Z", "%E2%82"))
      .map(([prefix, bad]) => `${encodeURIComponent(prefix)}${bad}`),
  );
}

/**
 * `encodeURIComponent`, except that a lone surrogate (which it refuses) is written as the three
 * bytes a careless encoder produces for it: invalid UTF-8 the server must refuse or replace.
 */
export function percentEncode(text: string): string {
  return text.replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]|[\s\S]/g, (char) => {
    const unit = char.charCodeAt(0);
    if (char.length === 1 && unit >= 0xd800 && unit <= 0xdfff) {
      return [0xe0 | (unit >> 12), 0x80 | ((unit >> 6) & 0x3f), 0x80 | (unit & 0x3f)]
        .map((byte) => `%${byte.toString(16).toUpperCase()}`)
        .join("");
    }
    return encodeURIComponent(char);
  });
}

/**
 * A query or path value as it goes on the wire: encoded properly, left raw (bytes 0x21-0xFF, as
 * far as an HTTP client lets them through), or with broken percent-encoding.
 */
export function wireText(text: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc.oneof(
    { arbitrary: text.map(percentEncode), weight: 5 },
    {
      arbitrary: text.map((value) =>
        Array.from(value)
          .map((char) => (/^[\u0021-\u00ff]$/.test(char) && char !== "#" && char !== "&" ? char : percentEncode(char)))
          .join(""),
      ),
      weight: 2,
    },
    { arbitrary: malformedPercent(), weight: 2 },
  );
}
