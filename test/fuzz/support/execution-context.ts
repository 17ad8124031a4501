/**
 * Hostile RemoteExecutionContext bodies for the host's webhook routes (two-way and inventory maps): a context Dataverse
 * would send with hostile column values in its Target (and images) — strings, odd numbers, SDK
 * tagged values with wrong contents, unknown types, nested entities and collections — so the
 * plug-in code behind the schema meets them.
 */
import fc from "fast-check";
import { type JsonNode, raw } from "./json-text";
import { hostileKey, hostileScalar, hostileString, withItems } from "./hostile";

const CONTRACTS = "http://schemas.microsoft.com/xrm/2011/Contracts";

const text = (value: string): JsonNode => raw(JSON.stringify(value));
const tag = (type: string): readonly [string, JsonNode] => ["__type", text(`${type}:${CONTRACTS}`)];

/** An id: mostly a GUID (so the value gets past the schema), else anything. */
const idNode = fc.oneof({ arbitrary: fc.uuid().map(text), weight: 3 }, { arbitrary: hostileScalar(), weight: 1 });

/** A value of an SDK attribute (`sdk-values.ts`), leaning hostile. */
export function hostileSdkValue(logicalNames: readonly string[]): fc.Arbitrary<JsonNode> {
  const logicalName = fc
    .oneof(
      { arbitrary: fc.constantFrom(...logicalNames), weight: 3 },
      { arbitrary: hostileString({ long: false }), weight: 1 },
    )
    .map(text);
  const { value } = fc.letrec<{ value: JsonNode }>((tie) => ({
    value: fc.oneof(
      { maxDepth: 2, depthSize: "small" },
      { arbitrary: hostileScalar(), weight: 6 },
      { arbitrary: fc.integer({ min: -8.64e15, max: 8.64e15 }).map((ms) => text(`/Date(${ms})/`)), weight: 1 },
      {
        arbitrary: fc
          .constantFrom("/Date(99999999999999999999)/", "/Date(-8640000000000001)/", "/Date(1+9999)/")
          .map(text),
        weight: 1,
      },
      {
        arbitrary: hostileScalar().map((number): JsonNode => ({ object: [tag("OptionSetValue"), ["Value", number]] })),
        weight: 2,
      },
      {
        arbitrary: hostileScalar().map((number): JsonNode => ({ object: [tag("Money"), ["Value", number]] })),
        weight: 1,
      },
      {
        arbitrary: fc.tuple(idNode, logicalName, fc.option(hostileScalar(), { nil: undefined })).map(
          ([id, name, display]): JsonNode => ({
            object: [
              tag("EntityReference"),
              ["Id", id],
              ["LogicalName", name],
              ...(display === undefined ? [] : [["Name", display] as const]),
            ],
          }),
        ),
        weight: 3,
      },
      {
        arbitrary: fc.tuple(idNode, logicalName, fc.array(fc.tuple(hostileKey(), tie("value")), { maxLength: 3 })).map(
          ([id, name, attributes]): JsonNode => ({
            object: [
              tag("Entity"),
              ["Id", id],
              ["LogicalName", name],
              [
                "Attributes",
                {
                  array: attributes.map(([key, item]) => ({
                    object: [
                      ["key", text(key)],
                      ["value", item],
                    ],
                  })),
                },
              ],
            ],
          }),
        ),
        weight: 1,
      },
      {
        arbitrary: fc
          .array(tie("value"), { maxLength: 3 })
          .map((items): JsonNode => ({ object: [tag("EntityCollection"), ["Entities", { array: items }]] })),
        weight: 1,
      },
      {
        arbitrary: fc
          .constantFrom("AliasedValue", "BooleanManagedProperty", "", "Entity", "OptionSetValueCollection")
          .map((type): JsonNode => ({ object: [tag(type)] })),
        weight: 1,
      },
      { arbitrary: fc.array(tie("value"), { maxLength: 3 }).map((items): JsonNode => ({ array: items })), weight: 1 },
    ),
  }));
  return value;
}

/** `[{ key, value }]` pairs of hostile attributes: the table's columns or any key, hostile values. */
export function hostileAttributes(
  columns: readonly string[],
  logicalNames: readonly string[],
): fc.Arbitrary<JsonNode[]> {
  const key = fc.oneof(
    { arbitrary: fc.constantFrom(...columns), weight: 4 },
    { arbitrary: hostileKey(columns), weight: 1 },
  );
  return fc.array(
    fc.tuple(key, hostileSdkValue(logicalNames)).map(
      ([name, value]): JsonNode => ({
        object: [
          ["key", text(name)],
          ["value", value],
        ],
      }),
    ),
    { minLength: 1, maxLength: 4 },
  );
}

/**
 * A valid context (`valid`) whose Target (InputParameters[0]) gets hostile attributes appended;
 * a later key wins, so they also replace the valid values.
 */
export function contextWithHostileTarget(
  valid: fc.Arbitrary<unknown>,
  columns: readonly string[],
  logicalNames: readonly string[],
): fc.Arbitrary<JsonNode> {
  return withItems(valid, ["InputParameters", 0, "value", "Attributes"], hostileAttributes(columns, logicalNames));
}
