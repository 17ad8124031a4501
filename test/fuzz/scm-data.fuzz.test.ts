/**
 * Fuzzing the SCM emulator's OData data entities (`sandbox/scm`): query strings on collections and
 * `$count` (`$filter`, `$select`, `$orderby`, `$top`, `$skip`, `cross-company`, `company`), entity
 * bodies on POST and PATCH (with `x-fsi-user`), and key predicates on every method. Every reply is a
 * 4xx with the OData error's message, or a 2xx whose rows obey the entity definitions; never a 5xx
 * (except the documented 501 for `$metadata`); reads and refused writes change no row.
 */
import fc from "fast-check";
import type { ScmEntityDefinition } from "@fsi/core/scm/schema";
import { scmRow } from "./support/documents";
import {
  contentType,
  hostileBody,
  hostileKey,
  hostileScalar,
  hostileString,
  malformedPercent,
  percentEncode,
  wireText,
  withEntries,
} from "./support/hostile";
import { expectNoServerError, expectRefusal, send } from "./support/http";
import { queryString } from "./support/odata";
import { Outcomes, checkProperty, runs, timeoutFor } from "./support/runs";
import {
  KNOWN,
  type ScmFixture,
  entityArb,
  expectRowValid,
  expectStoredRowValid,
  keyPredicate,
  startSeededScm,
} from "./support/scm-fixture";

/** Cases per property (fixed; `FUZZ_RUNS_SCALE` scales them). */
const QUERY_RUNS = runs(300);
const BODY_RUNS = runs(300);
const KEY_RUNS = runs(150);

let fx: ScmFixture;

beforeAll(async () => {
  fx = await startSeededScm();
});

afterAll(async () => {
  await fx.close();
});

describe("the SCM emulator's data entities under random and hostile input", () => {
  it(
    `GET /scm/data/<collection>?<OData query>: ${QUERY_RUNS} cases`,
    async () => {
      const outcomes = new Outcomes();
      const request = entityArb.chain((entity) =>
        fc.tuple(
          fc.constant(entity),
          queryString({ properties: Object.keys(entity.fields) }, [
            "$filter",
            "$select",
            "$orderby",
            "$top",
            "$skip",
            "$count",
            "cross-company",
            "company",
          ]),
          fc.constantFrom("", "", "/$count", "/$metadata"),
        ),
      );
      const property = fc.asyncProperty(request, async ([entity, query, tail]) => {
        const path = `/scm/data/${entity.collection}${tail}?${query}`;
        const what = `GET ${path.slice(0, 400)}`;
        const before = fx.digest();
        const reply = await send(fx.origin, {
          method: "GET",
          path,
          label: `GET /scm/data/<collection>${tail}?<query>`,
        });
        fx.expectNothingWritten(before, what);
        if (tail === "/$metadata" && reply.status === 501) return;
        expectNoServerError(reply, what);
        if (reply.status < 300) {
          outcomes.accept();
          if (tail === "/$count") {
            if (!/^\d+$/.test(reply.text))
              throw new Error(`${what}: a count that is not a number: ${reply.text.slice(0, 100)}`);
            return;
          }
          const value = (reply.json as { value?: unknown } | undefined)?.value;
          if (!Array.isArray(value)) throw new Error(`${what}: a ${reply.status} reply without value`);
          for (const row of value) expectRowValid(entity, row as Record<string, unknown>, what);
          return;
        }
        outcomes.refuse();
        expectRefusal(reply, what);
      });
      expect(await checkProperty("scm queries", property, QUERY_RUNS)).toBe(QUERY_RUNS);
      outcomes.expectBoth("scm queries");
    },
    timeoutFor(QUERY_RUNS),
  );

  it(
    `POST and PATCH entity bodies: ${BODY_RUNS} cases`,
    async () => {
      const outcomes = new Outcomes();
      const request = entityArb.chain((entity) => {
        const valid = scmRow(entity, "usmf", KNOWN);
        const names = Object.keys(entity.fields);
        const structured = withEntries(
          valid,
          [],
          fc.array(
            fc.tuple(
              fc.oneof(
                { arbitrary: fc.constantFrom(...names), weight: 4 },
                { arbitrary: hostileKey(names), weight: 1 },
              ),
              hostileScalar(),
            ),
            { minLength: 1, maxLength: 4 },
          ),
        );
        const target = fc.oneof(
          { arbitrary: fc.constant<string | undefined>(undefined), weight: 2 },
          { arbitrary: valid.map((row) => keyPredicate(entity, row)), weight: 1 },
        );
        return fc.tuple(fc.constant(entity), target, hostileBody(valid, { keys: names, structured }));
      });
      const user = fc.oneof(
        { arbitrary: fc.constant<string | undefined>(undefined), weight: 6 },
        {
          arbitrary: fc.constantFrom<string | undefined>("", " ", "FSI-Integration", "x".repeat(101), "Dana\u00e9"),
          weight: 1,
        },
      );
      const property = fc.asyncProperty(
        request,
        user,
        contentType(),
        async ([entity, key, body], initiatingUser, type) => {
          const method = key === undefined ? "POST" : "PATCH";
          const path = `/scm/data/${entity.collection}${key === undefined ? "" : percentEncode(key)}`;
          const what = `${method} ${path} ${body.toString("utf8").slice(0, 400)}`;
          const before = fx.digest();
          const reply = await send(fx.origin, {
            method,
            path,
            headers: { "content-type": type, "x-fsi-user": initiatingUser },
            body,
            label: `${method} /scm/data/<collection>${key === undefined ? "" : "(<key>)"}`,
          });
          expectNoServerError(reply, what);
          if (reply.status < 300) {
            outcomes.accept();
            if (method === "POST") expectRowValid(entity, reply.json as Record<string, unknown>, what);
            else await expectStoredRowValid(fx, entity, path, what);
            return;
          }
          outcomes.refuse();
          expectRefusal(reply, what);
          fx.expectNothingWritten(before, what);
        },
      );
      expect(await checkProperty("scm bodies", property, BODY_RUNS)).toBe(BODY_RUNS);
      outcomes.expectBoth("scm bodies");
    },
    timeoutFor(BODY_RUNS),
  );

  it(
    `key predicates on GET, PATCH and DELETE: ${KEY_RUNS} cases`,
    async () => {
      const outcomes = new Outcomes();
      const key = (entity: ScmEntityDefinition) =>
        fc.oneof(
          { arbitrary: scmRow(entity, "usmf", KNOWN).map((row) => keyPredicate(entity, row)), weight: 3 },
          {
            arbitrary: fc.constantFrom(
              "('1001')",
              "(1001)",
              "()",
              "(",
              "(dataAreaId='usmf')",
              "(dataAreaId='usmf',WarehouseId='1001',x='1')",
              "(dataAreaId=usmf,WarehouseId=1001)",
              "(dataAreaId='usmf',dataAreaId='usmf')",
              "(WarehouseId='it''s')",
              "(dataAreaId='usmf',WarehouseId='1001'",
              "(dataAreaId='%E0',WarehouseId='1')",
            ),
            weight: 2,
          },
          {
            arbitrary: fc
              .tuple(hostileString({ long: false }), hostileString({ long: false }))
              .map(([a, b]) => `(${entity.keys[0] ?? "x"}='${a}',${entity.keys[1] ?? "y"}='${b}')`),
            weight: 2,
          },
        );
      const request = entityArb.chain((entity) =>
        fc.tuple(
          fc.constant(entity),
          fc.oneof(
            { arbitrary: key(entity).map(percentEncode), weight: 2 },
            { arbitrary: wireText(key(entity)), weight: 1 },
            { arbitrary: malformedPercent().map((bad) => `(${bad})`), weight: 1 },
          ),
        ),
      );
      const method = fc.constantFrom("GET", "GET", "PATCH", "DELETE", "PUT", "POST");
      const property = fc.asyncProperty(request, method, async ([entity, predicate], verb) => {
        const path = `/scm/data/${entity.collection}${predicate}`;
        const what = `${verb} ${path.slice(0, 400)}`;
        const before = fx.digest();
        const reply = await send(fx.origin, {
          method: verb,
          path,
          ...(verb === "PATCH" || verb === "POST"
            ? { headers: { "content-type": "application/json" }, body: "{}" }
            : {}),
          label: `${verb} /scm/data/<collection>(<key>)`,
        });
        expectNoServerError(reply, what);
        if (reply.status < 300) {
          outcomes.accept();
          if (verb === "GET") expectRowValid(entity, reply.json as Record<string, unknown>, what);
          return;
        }
        outcomes.refuse();
        expectRefusal(reply, what);
        fx.expectNothingWritten(before, what);
      });
      expect(await checkProperty("scm keys", property, KEY_RUNS)).toBe(KEY_RUNS);
      outcomes.expectBoth("scm keys");
    },
    timeoutFor(KEY_RUNS),
  );

  it("still answers afterwards", async () => {
    const reply = await send(fx.origin, { method: "GET", path: "/scm/data/OperationalSites?$top=1" });
    expect([reply.status, Array.isArray((reply.json as { value?: unknown }).value)]).toEqual([200, true]);
  });
});
