/**
 * Fuzzing the Dataverse Web API emulator's reads (`sandbox/dataverse`): OData query strings on
 * collections (`$filter`, `$select`, `$orderby`, `$top`, `$expand`, `$apply`, `fetchXml`,
 * `$skiptoken`, `Prefer`, the offline profile), and key segments on GET, PATCH and DELETE. Every
 * reply is a 4xx with Dataverse's `{ error: { code, message } }`, or a 2xx whose rows obey the table
 * definitions; no 5xx (except the documented 501 for `$apply`, which the emulator does
 * not implement); a read never writes, a refused write writes nothing.
 */
import fc from "fast-check";
import type { TableDefinition } from "@fsi/core/dataverse/schema";
import {
  type DataverseFixture,
  expectRowValid,
  expectWrittenRowValid,
  navigationOf,
  preferHeader,
  propertiesOf,
  startSeededDataverse,
  tableArb,
} from "./support/dataverse-fixture";
import { identifier } from "./support/documents";
import { hostileString, malformedPercent, percentEncode, wireText } from "./support/hostile";
import { type RawReply, expectNoServerError, expectRefusal } from "./support/http";
import { queryString } from "./support/odata";
import { Outcomes, checkProperty, runs, timeoutFor } from "./support/runs";

/** Cases per property (fixed; `FUZZ_RUNS_SCALE` scales them). */
const QUERY_RUNS = runs(400);
const KEY_RUNS = runs(200);

let dv: DataverseFixture;

beforeAll(async () => {
  dv = await startSeededDataverse();
});

afterAll(async () => {
  await dv.close();
});

/** 501 is the emulator's documented answer to `$apply` online (sandbox/dataverse/README.md); FetchXML is answered. */
function documentedNotImplemented(reply: RawReply, query: string): boolean {
  const params = new URLSearchParams(query);
  return (
    reply.status === 501 &&
    params.has("$apply") &&
    typeof (reply.json as { error?: { message?: unknown } } | undefined)?.error?.message === "string"
  );
}

/** A collection reply: `value` holds rows of the table, each valid. */
function expectValidCollection(table: TableDefinition, reply: RawReply, what: string): void {
  const value = (reply.json as { value?: unknown } | undefined)?.value;
  if (!Array.isArray(value))
    throw new Error(`${what}: a ${reply.status} reply without value: ${reply.text.slice(0, 300)}`);
  for (const row of value) {
    if (typeof row !== "object" || row === null) throw new Error(`${what}: a row that is not an object`);
    expectRowValid(table, row as Record<string, unknown>, what);
  }
}

const clientState = fc.constantFrom(undefined, undefined, "offline", "Offline", "online", "");

describe("the Dataverse emulator's reads under random and hostile input", () => {
  it(
    `GET <entity set>?<OData query>: ${QUERY_RUNS} cases`,
    async () => {
      const outcomes = new Outcomes();
      const request = tableArb.chain((table) =>
        fc.tuple(fc.constant(table), queryString({ properties: propertiesOf(table), navigation: navigationOf(table) })),
      );
      const property = fc.asyncProperty(request, preferHeader, clientState, async ([table, query], prefer, state) => {
        const path = `${table.entitySetName}?${query}`;
        const what = `GET ${path.slice(0, 400)} (prefer ${prefer ?? "-"}, client state ${state ?? "-"})`;
        const before = dv.digest();
        const reply = await dv.call(
          "GET",
          path,
          undefined,
          { prefer, "x-fsi-client-state": state },
          "GET <set>?<query>",
        );
        dv.expectNothingWritten(before, what);
        if (documentedNotImplemented(reply, query)) return;
        expectNoServerError(reply, what);
        if (reply.status < 300) {
          outcomes.accept();
          expectValidCollection(table, reply, what);
          return;
        }
        outcomes.refuse();
        expectRefusal(reply, what);
      });
      expect(await checkProperty("dataverse queries", property, QUERY_RUNS)).toBe(QUERY_RUNS);
      outcomes.expectBoth("dataverse queries");
    },
    timeoutFor(QUERY_RUNS),
  );

  it(
    `key segments on GET, PATCH and DELETE: ${KEY_RUNS} cases`,
    async () => {
      const outcomes = new Outcomes();
      const key = (table: TableDefinition) => {
        const existing = fc.constantFrom(...(dv.ids[table.logicalName] ?? ["00000000-0000-0000-0000-000000000001"]));
        const alternate = table.alternateKeys.map((alternateKey) =>
          fc
            .tuple(
              ...alternateKey.columns.map((column) =>
                table.columns[column]?.type === "lookup"
                  ? fc.constantFrom(...(dv.ids.cdm_company ?? [])).map((id) => `_${column}_value=${id}`)
                  : fc
                      .oneof(identifier, hostileString({ long: false }))
                      .map((value) => `${column}='${value.replaceAll("'", "''")}'`),
              ),
            )
            .map((parts) => parts.join(",")),
        );
        return fc.oneof(
          { arbitrary: existing, weight: 3 },
          { arbitrary: existing.map((id) => `{${id.toUpperCase()}}`), weight: 1 },
          { arbitrary: existing.map((id) => `${table.primaryIdAttribute}=${id}`), weight: 1 },
          { arbitrary: fc.uuid(), weight: 1 },
          ...alternate.map((arbitrary) => ({ arbitrary, weight: 2 })),
          {
            arbitrary: fc.constantFrom(
              "",
              "'",
              "''",
              "'abc",
              "a=1,a=1",
              "=1",
              "x=",
              "1e999",
              "null",
              "true",
              "((1))",
              "a='x',",
              ",",
              "msdyn_name='x''y'",
              "00000000-0000-0000-0000-00000000000g",
              "-1",
              "9".repeat(400),
            ),
            weight: 2,
          },
          { arbitrary: hostileString({ long: false }), weight: 1 },
        );
      };
      const request = tableArb.chain((table) =>
        fc.tuple(
          fc.constant(table),
          fc.oneof(
            { arbitrary: key(table).map(percentEncode), weight: 3 },
            { arbitrary: wireText(key(table)), weight: 1 },
            { arbitrary: malformedPercent(), weight: 1 },
          ),
        ),
      );
      const method = fc.constantFrom("GET", "GET", "GET", "PATCH", "DELETE");
      const suffix = fc.constantFrom(
        "",
        "",
        "",
        "/",
        "/x",
        "/msdyn_name",
        "?$select=msdyn_name",
        "?$top=1",
        ")",
        "(1)",
      );
      const property = fc.asyncProperty(request, method, suffix, async ([table, keyText], verb, tail) => {
        const path = `${table.entitySetName}(${keyText})${tail}`;
        const what = `${verb} ${path.slice(0, 400)}`;
        const before = dv.digest();
        const reply = await dv.call(verb, path, verb === "PATCH" ? "{}" : undefined, {}, `${verb} <set>(<key>)`);
        expectNoServerError(reply, what);
        if (reply.status < 300) {
          outcomes.accept();
          if (verb === "GET") expectRowValid(table, (reply.json ?? {}) as Record<string, unknown>, what);
          if (verb === "PATCH") await expectWrittenRowValid(dv, table, reply, what);
          return;
        }
        outcomes.refuse();
        expectRefusal(reply, what);
        dv.expectNothingWritten(before, what);
      });
      expect(await checkProperty("dataverse keys", property, KEY_RUNS)).toBe(KEY_RUNS);
      outcomes.expectBoth("dataverse keys");
    },
    timeoutFor(KEY_RUNS),
  );

  it("still answers afterwards", async () => {
    const reply = await dv.call("GET", "WhoAmI");
    expect([reply.status, (reply.json as { UserId?: string }).UserId]).toEqual([200, dv.userId]);
  });
});
