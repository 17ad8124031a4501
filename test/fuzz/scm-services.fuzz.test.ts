/**
 * Fuzzing the SCM emulator's custom services and admin endpoints (`sandbox/scm`): the validation
 * service, the inventory journal and sales order services, business rules, data event endpoints and
 * the outbox. Every reply is a 4xx with a message (F&O's service fault `{ Message }` or the OData
 * error), or a 2xx on contract; never a 5xx; the validation service never writes, and a refused
 * request writes nothing.
 */
import fc from "fast-check";
import { scmEventEndpointRequestSchema } from "@fsi/core/scm/event-endpoints";
import { scmEntities } from "@fsi/core/scm/entities";
import {
  SCM_CREATE_SALES_ORDER_PATH,
  SCM_POST_INVENTORY_JOURNAL_PATH,
  createSalesOrderResponseSchema,
  postInventoryJournalResponseSchema,
} from "@fsi/core/scm/inventory-services";
import { scmField } from "@fsi/core/scm/schema";
import { SCM_VALIDATION_SERVICE_PATH, scmValidationResponseSchema } from "@fsi/core/scm/validation-service";
import { rulesFileSchema } from "@fsi/sandbox/scm/rules/schema";
import { scmRow } from "./support/documents";
import {
  contentType,
  hostileBody,
  hostileKey,
  hostileScalar,
  hostileString,
  malformedPercent,
  wireText,
  withEntries,
} from "./support/hostile";
import { type RawReply, expectNoServerError, expectRefusal, send } from "./support/http";
import { raw } from "./support/json-text";
import { Outcomes, checkProperty, runs, timeoutFor } from "./support/runs";
import { KNOWN, type ScmFixture, entityArb, startSeededScm } from "./support/scm-fixture";

/** Cases per property (fixed; `FUZZ_RUNS_SCALE` scales them). */
const VALIDATION_RUNS = runs(150);
const DOCUMENT_RUNS = runs(100);
const ADMIN_RUNS = runs(150);

let fx: ScmFixture;

beforeAll(async () => {
  fx = await startSeededScm();
});

afterAll(async () => {
  await fx.close();
});

describe("the SCM emulator's services and admin endpoints under random and hostile input", () => {
  it(
    `POST the validation service: ${VALIDATION_RUNS} cases`,
    async () => {
      const outcomes = new Outcomes();
      const valid = entityArb.chain((entity) =>
        fc.record({
          _request: fc.record({
            entity: fc.constant(entity.collection),
            operation: fc.constantFrom("create", "update"),
            record: scmRow(entity, "usmf", KNOWN),
          }),
        }),
      );
      const names = [...new Set(scmEntities.flatMap((entity) => Object.keys(entity.fields)))];
      const structured = withEntries(
        valid,
        ["_request", "record"],
        fc.array(
          fc.tuple(
            fc.oneof({ arbitrary: fc.constantFrom(...names), weight: 4 }, { arbitrary: hostileKey(names), weight: 1 }),
            hostileScalar(),
          ),
          { minLength: 1, maxLength: 4 },
        ),
      );
      const property = fc.asyncProperty(
        contentType(),
        hostileBody(valid, { keys: ["_request", "entity", "operation", "record", ...names], structured }),
        async (type, body) => {
          const path = `/scm${SCM_VALIDATION_SERVICE_PATH}`;
          const what = `POST ${path} ${body.toString("utf8").slice(0, 400)}`;
          const before = fx.digest();
          const reply = await send(fx.origin, {
            method: "POST",
            path,
            headers: { "content-type": type },
            body,
            label: "POST FsiValidationService/validate",
          });
          expectNoServerError(reply, what);
          // The service checks and never writes, whatever it answers.
          fx.expectNothingWritten(before, what);
          if (reply.status < 300) {
            outcomes.accept();
            if (!scmValidationResponseSchema.safeParse(reply.json).success)
              throw new Error(`${what}: reply off contract: ${reply.text.slice(0, 300)}`);
            return;
          }
          outcomes.refuse();
          expectRefusal(reply, what);
        },
      );
      expect(await checkProperty("scm validation service", property, VALIDATION_RUNS)).toBe(VALIDATION_RUNS);
      outcomes.expectBoth("scm validation service");
    },
    timeoutFor(VALIDATION_RUNS),
  );

  it(
    `POST the inventory journal and sales order services: ${DOCUMENT_RUNS} cases`,
    async () => {
      const outcomes = new Outcomes();
      // Mostly documents SCM accepts (known items, warehouses and units, whole quantities), so both branches run.
      const reference = fc.string({ minLength: 1, maxLength: 60 });
      const quantity = fc.oneof(
        { arbitrary: fc.integer({ min: 1, max: 5 }), weight: 8 },
        {
          arbitrary: fc.oneof(fc.integer({ min: -50, max: 50 }), fc.double({ min: -1e3, max: 1e3, noNaN: true })),
          weight: 1,
        },
      );
      const item = fc.oneof(
        { arbitrary: fc.constantFrom("A0001", "A0002"), weight: 8 },
        { arbitrary: fc.constant("B9999"), weight: 1 },
      );
      const warehouseId = fc.oneof(
        { arbitrary: fc.constantFrom("1001", "1002"), weight: 8 },
        { arbitrary: fc.constant("9999"), weight: 1 },
      );
      const journal = fc.constantFrom("Movement", "Transfer").chain((journalType) =>
        fc.record({
          _request: fc.record({
            dataAreaId: fc.oneof(
              { arbitrary: fc.constant("usmf"), weight: 8 },
              { arbitrary: fc.constant("demf"), weight: 1 },
            ),
            journalType: fc.constant(journalType),
            externalReference: reference,
            lines: fc.array(
              fc.record({
                ItemNumber: item,
                WarehouseId: fc.constant("1001"),
                ...(journalType === "Transfer" ? { ToWarehouseId: warehouseId } : {}),
                Quantity: quantity,
                UnitSymbol: fc.oneof(
                  { arbitrary: fc.constant("ea"), weight: 8 },
                  { arbitrary: fc.constant("kg"), weight: 1 },
                ),
              }),
              { minLength: 1, maxLength: 2 },
            ),
          }),
        }),
      );
      const order = fc.record({
        _request: fc.record(
          {
            dataAreaId: fc.oneof(
              { arbitrary: fc.constant("usmf"), weight: 8 },
              { arbitrary: fc.constant("demf"), weight: 1 },
            ),
            externalReference: reference,
            CustomerAccount: fc.oneof(
              { arbitrary: fc.constant("US-001"), weight: 8 },
              { arbitrary: fc.constant("X"), weight: 1 },
            ),
            ProjectId: fc.oneof(
              { arbitrary: fc.constant("US-PRJ-0001"), weight: 8 },
              { arbitrary: fc.constant("NONE"), weight: 1 },
            ),
            lines: fc.array(
              fc.record(
                {
                  ItemNumber: item,
                  Quantity: quantity,
                  SalesUnitSymbol: fc.oneof(
                    { arbitrary: fc.constant("ea"), weight: 8 },
                    { arbitrary: fc.constant("h"), weight: 1 },
                  ),
                  WarehouseId: warehouseId,
                },
                { requiredKeys: ["ItemNumber", "Quantity", "SalesUnitSymbol"] },
              ),
              { minLength: 1, maxLength: 3 },
            ),
          },
          { requiredKeys: ["dataAreaId", "externalReference", "CustomerAccount", "lines"] },
        ),
      });
      const lineFields = [
        "ItemNumber",
        "WarehouseId",
        "ToWarehouseId",
        "Quantity",
        "UnitSymbol",
        "SalesUnitSymbol",
        "LineDescription",
      ];
      const service = fc.oneof(
        fc.tuple(
          fc.constant(SCM_POST_INVENTORY_JOURNAL_PATH),
          hostileBody(journal, {
            keys: ["_request", "lines", ...lineFields],
            structured: withEntries(
              journal,
              ["_request", "lines", 0],
              fc.array(fc.tuple(fc.constantFrom(...lineFields), hostileScalar()), { minLength: 1, maxLength: 3 }),
            ),
          }),
        ),
        fc.tuple(
          fc.constant(SCM_CREATE_SALES_ORDER_PATH),
          hostileBody(order, {
            keys: ["_request", "lines", ...lineFields],
            structured: withEntries(
              order,
              ["_request", "lines", 0],
              fc.array(fc.tuple(fc.constantFrom(...lineFields), hostileScalar()), { minLength: 1, maxLength: 3 }),
            ),
          }),
        ),
      );
      const property = fc.asyncProperty(service, contentType(), async ([servicePath, body], type) => {
        const path = `/scm${servicePath}`;
        const what = `POST ${path} ${body.toString("utf8").slice(0, 400)}`;
        const before = fx.digest();
        const reply = await send(fx.origin, {
          method: "POST",
          path,
          headers: { "content-type": type },
          body,
          label: `POST ${servicePath.split("/").slice(-2).join("/")}`,
        });
        expectNoServerError(reply, what);
        if (reply.status < 300) {
          outcomes.accept();
          const schema =
            servicePath === SCM_POST_INVENTORY_JOURNAL_PATH
              ? postInventoryJournalResponseSchema
              : createSalesOrderResponseSchema;
          if (!schema.safeParse(reply.json).success)
            throw new Error(`${what}: reply off contract: ${reply.text.slice(0, 300)}`);
          return;
        }
        outcomes.refuse();
        expectRefusal(reply, what);
        fx.expectNothingWritten(before, what);
      });
      expect(await checkProperty("scm document services", property, DOCUMENT_RUNS)).toBe(DOCUMENT_RUNS);
      outcomes.expectBoth("scm document services");
    },
    timeoutFor(DOCUMENT_RUNS),
  );

  it(
    `admin endpoints: rules, subscriptions, outbox: ${ADMIN_RUNS} cases`,
    async () => {
      const outcomes = new Outcomes();
      const original = fx.scm.rules();
      const rules = fc.constant(original as unknown);
      const ruleFields = [
        "rule",
        "field",
        "when",
        "message",
        "max",
        "pattern",
        "min",
        "values",
        "entity",
        "targetField",
        "fields",
        "operator",
        "otherField",
        "allCompanies",
        "companies",
        "usmf",
        "Warehouses",
      ];
      const rulesBody = hostileBody(rules, {
        keys: ruleFields,
        structured: withEntries(
          rules,
          ["companies", "usmf"],
          fc.array(
            fc.tuple(
              fc.constantFrom("Warehouses", "PaymentTerms", "Nope", "__proto__"),
              fc
                .array(
                  fc.record(
                    {
                      rule: fc.constantFrom("required", "pattern", "range", "maxLength", "unique", "crossField", "x"),
                      field: fc.constantFrom("WarehouseName", "NumberOfDays", "Nope", "constructor", "toString"),
                      pattern: fc.constantFrom("^\\d{4}$", "(", "\\p{L}+", "[", "a{2,1}"),
                      min: fc.integer(),
                      max: fc.integer(),
                    },
                    { requiredKeys: ["rule", "field"] },
                  ),
                  { maxLength: 2 },
                )
                .map((list) => raw(JSON.stringify(list))),
            ),
            { minLength: 1, maxLength: 2 },
          ),
        ),
      });
      const subscription = fc.record(
        {
          url: fc.constantFrom(
            "http://127.0.0.1:9/events",
            "https://example.test/x",
            "ftp://x",
            "not a url",
            "http://",
          ),
          entities: fc.array(fc.constantFrom("Warehouses", "Nope", "InventoryOnHand"), { minLength: 0, maxLength: 2 }),
        },
        { requiredKeys: ["url"] },
      );
      const request = fc.oneof(
        rulesBody.map((body) => ({ method: "PUT", path: "/scm/admin/rules", body })),
        hostileBody(subscription, { keys: ["url", "entities"] }).map((body) => ({
          method: "POST",
          path: "/scm/admin/event-endpoints",
          body,
        })),
        fc
          .tuple(
            fc.constantFrom("GET", "DELETE", "PUT"),
            fc.oneof(wireText(hostileString({ long: false })), malformedPercent(), fc.uuid()),
          )
          .map(([method, id]) => ({ method, path: `/scm/admin/event-endpoints/${id}`, body: undefined })),
        fc
          .constantFrom("GET", "POST", "DELETE")
          .map((method) => ({ method, path: "/scm/admin/outbox", body: undefined })),
        fc
          .constantFrom("GET", "DELETE", "PATCH")
          .map((method) => ({ method, path: "/scm/admin/rules", body: undefined })),
      );
      const property = fc.asyncProperty(request, contentType(), async ({ method, path, body }, type) => {
        const what = `${method} ${path.slice(0, 200)} ${body?.toString("utf8").slice(0, 400) ?? ""}`;
        const before = fx.digest();
        const reply = await send(fx.origin, {
          method,
          path,
          ...(body === undefined ? {} : { headers: { "content-type": type }, body }),
          label: `${method} ${path.startsWith("/scm/admin/event-endpoints/") ? "/scm/admin/event-endpoints/<id>" : path}`,
        });
        expectNoServerError(reply, what);
        if (reply.status < 300) {
          outcomes.accept();
          await expectAdminWriteValid(method, path, body, reply, what, original);
          return;
        }
        outcomes.refuse();
        expectRefusal(reply, what);
        fx.expectNothingWritten(before, what);
      });
      expect(await checkProperty("scm admin", property, ADMIN_RUNS)).toBe(ADMIN_RUNS);
      outcomes.expectBoth("scm admin");
      expect(fx.scm.rules()).toEqual(original);
    },
    timeoutFor(ADMIN_RUNS),
  );

  it("still answers afterwards", async () => {
    const reply = await send(fx.origin, { method: "GET", path: "/scm/admin/rules" });
    expect(reply.status).toBe(200);
  });
});

/**
 * An admin request answered 2xx: a rules file that passes the schema (then the original rules
 * are put back, so later cases run against the seed rules), a subscription that passes its schema
 * (then removed: a sync subscriber on a closed port would refuse every later write), or a read.
 */
async function expectAdminWriteValid(
  method: string,
  path: string,
  body: Buffer | undefined,
  reply: RawReply,
  what: string,
  original: unknown,
): Promise<void> {
  if (method === "PUT" && path === "/scm/admin/rules") {
    const rules = rulesFileSchema.safeParse(JSON.parse(body?.toString("utf8") ?? "null"));
    if (!rules.success) throw new Error(`${what}: accepted rules that fail the schema`);
    // Every rule names a field its entity has (`constructor` is none).
    for (const byEntity of [rules.data.allCompanies, ...Object.values(rules.data.companies)]) {
      for (const [collection, list] of Object.entries(byEntity)) {
        const entity = scmEntities.find((candidate) => candidate.collection === collection);
        for (const rule of list) {
          const fields = rule.rule === "unique" ? rule.fields : [rule.field];
          const unknown = fields.find((field) => entity === undefined || scmField(entity, field) === undefined);
          if (unknown !== undefined)
            throw new Error(`${what}: accepted a rule on ${unknown}, no field of ${collection}`);
        }
      }
    }
    const restored = await send(fx.origin, {
      method: "PUT",
      path,
      headers: { "content-type": "application/json" },
      body: JSON.stringify(original),
    });
    expect(restored.status).toBe(200);
    return;
  }
  if (method === "POST" && path === "/scm/admin/event-endpoints") {
    if (!scmEventEndpointRequestSchema.safeParse(JSON.parse(body?.toString("utf8") ?? "null")).success)
      throw new Error(`${what}: accepted a subscription that fails the schema`);
    const id = (reply.json as { id?: unknown }).id;
    if (typeof id !== "string") throw new Error(`${what}: a subscription without id`);
    expect(
      (await send(fx.origin, { method: "DELETE", path: `/scm/admin/event-endpoints/${encodeURIComponent(id)}` }))
        .status,
    ).toBe(204);
    return;
  }
  if (method !== "GET" && method !== "DELETE") throw new Error(`${what}: answered ${reply.status}`);
}
