/**
 * Fuzzing the Dataverse Web API emulator's writes (`sandbox/dataverse`): entity bodies on POST and
 * PATCH (`If-Match`, `If-None-Match`, `Prefer`), `$batch` bodies (requests, change sets, `Content-ID`
 * references, broken multipart) and the bulk actions CreateMultiple and UpdateMultiple. Every reply
 * is a 4xx with Dataverse's `{ error: { code, message } }`, or a 2xx whose written rows obey the
 * table definitions; no 5xx, in a batch's parts too; a refused write writes nothing.
 */
import fc from "fast-check";
import {
  type DataverseFixture,
  TABLES,
  expectStoredRowValid,
  expectWrittenRowValid,
  preferHeader,
  requiredBinds,
  startSeededDataverse,
  tableArb,
} from "./support/dataverse-fixture";
import { batchRequest } from "./support/batch";
import { dataverseBody, dataverseValue, writableColumns } from "./support/documents";
import { contentType, hostileBody, hostileKey, hostileScalar, hostileString, withEntries } from "./support/hostile";
import { expectNoServerError, expectRefusal } from "./support/http";
import { raw } from "./support/json-text";
import { Outcomes, checkProperty, runs, timeoutFor } from "./support/runs";

/** Cases per property (fixed; `FUZZ_RUNS_SCALE` scales them). */
const BODY_RUNS = runs(300);
const BATCH_RUNS = runs(150);
const BULK_RUNS = runs(100);

let dv: DataverseFixture;

beforeAll(async () => {
  dv = await startSeededDataverse();
});

afterAll(async () => {
  await dv.close();
});

describe("the Dataverse emulator's writes under random and hostile input", () => {
  it(
    `POST and PATCH entity bodies: ${BODY_RUNS} cases`,
    async () => {
      const outcomes = new Outcomes();
      const request = tableArb.chain((table) => {
        const binds = requiredBinds(dv, table, true);
        const valid = dataverseBody(table, binds);
        const names = [
          ...Object.keys(table.columns),
          ...Object.keys(binds),
          "@odata.type",
          "msdyn_company@odata.bind",
          "x@odata.bind",
          "msdyn_name@OData.Community.Display.V1.FormattedValue",
        ];
        const bindValue = fc
          .oneof(
            fc.constantFrom(
              "/cdm_companies(00000000-0000-0000-0000-000000000000)",
              "cdm_companies(cdm_companycode='usmf')",
              "/accounts()",
              "/cdm_companies(%E0%A4%A)",
              "http://evil.example/api/data/v9.2/cdm_companies(1)",
              "/cdm_companies(x)/y",
              "$1",
              "/msdyn_warehouses(msdyn_warehouseidentifier='1001')",
            ),
            hostileString({ long: false }),
          )
          .map((text) => raw(JSON.stringify(text)));
        const structured = withEntries(
          valid,
          [],
          fc.array(
            fc.tuple(
              fc.oneof(
                { arbitrary: fc.constantFrom(...names), weight: 4 },
                { arbitrary: hostileKey(names), weight: 1 },
              ),
              fc.oneof({ arbitrary: hostileScalar(), weight: 3 }, { arbitrary: bindValue, weight: 1 }),
            ),
            { minLength: 1, maxLength: 4 },
          ),
        );
        const address = fc.oneof(
          { arbitrary: fc.constant(""), weight: 3 },
          {
            arbitrary: fc
              .constantFrom(...(dv.ids[table.logicalName] ?? ["00000000-0000-0000-0000-000000000001"]))
              .map((id) => `(${id})`),
            weight: 2,
          },
          { arbitrary: fc.uuid().map((id) => `(${id})`), weight: 1 },
        );
        return fc.tuple(fc.constant(table), address, hostileBody(valid, { keys: names, structured }));
      });
      const headers = fc.record({
        prefer: preferHeader,
        type: contentType(),
        ifMatch: fc.constantFrom(undefined, undefined, undefined, "*", 'W/"1"', "garbage"),
        ifNoneMatch: fc.constantFrom(undefined, undefined, undefined, "*"),
      });
      const property = fc.asyncProperty(
        request,
        headers,
        async ([table, address, body], { prefer, type, ifMatch, ifNoneMatch }) => {
          const method = address === "" ? "POST" : "PATCH";
          const path = `${table.entitySetName}${address}`;
          const what = `${method} ${path} ${body.toString("utf8").slice(0, 400)}`;
          const before = dv.digest();
          const reply = await dv.call(
            method,
            path,
            body,
            { prefer, "content-type": type, "if-match": ifMatch, "if-none-match": ifNoneMatch },
            `${method} <set>${address === "" ? "" : "(<id>)"}`,
          );
          expectNoServerError(reply, what);
          if (reply.status < 300) {
            outcomes.accept();
            await expectWrittenRowValid(dv, table, reply, what);
            return;
          }
          outcomes.refuse();
          expectRefusal(reply, what);
          dv.expectNothingWritten(before, what);
        },
      );
      expect(await checkProperty("dataverse bodies", property, BODY_RUNS)).toBe(BODY_RUNS);
      outcomes.expectBoth("dataverse bodies");
    },
    timeoutFor(BODY_RUNS),
  );

  it(
    `POST $batch bodies: ${BATCH_RUNS} cases`,
    async () => {
      const outcomes = new Outcomes();
      const property = fc.asyncProperty(batchRequest(TABLES), async ({ contentType: type, body }) => {
        const what = `POST $batch (${type ?? "no content type"}) ${body.slice(0, 600)}`;
        const before = dv.digest();
        const reply = await dv.call("POST", "$batch", body, { "content-type": type }, "POST $batch");
        expectNoServerError(reply, what);
        const inner = [...reply.text.matchAll(/^HTTP\/1\.1 (\d{3})/gm)].map((match) => Number(match[1]));
        const serverErrors = inner.filter((status) => status >= 500 && status !== 501);
        if (serverErrors.length > 0)
          throw new Error(`${what}: a part answered ${serverErrors.join(", ")}: ${reply.text.slice(0, 1500)}`);
        if (reply.status >= 400 && inner.length === 0) expectRefusal(reply, what);
        const wrote = inner.some((status) => status >= 200 && status < 300);
        if (wrote) outcomes.accept();
        else {
          outcomes.refuse();
          dv.expectNothingWritten(before, what);
        }
      });
      expect(await checkProperty("dataverse $batch", property, BATCH_RUNS)).toBe(BATCH_RUNS);
      outcomes.expectBoth("dataverse $batch");
    },
    timeoutFor(BATCH_RUNS),
  );

  it(
    `POST <entity set>/Microsoft.Dynamics.CRM.CreateMultiple and UpdateMultiple: ${BULK_RUNS} cases`,
    async () => {
      const outcomes = new Outcomes();
      const request = tableArb.chain((table) => {
        const type = `Microsoft.Dynamics.CRM.${table.logicalName}`;
        const binds = requiredBinds(dv, table);
        const created = dataverseBody(table, binds).map((row) => ({ "@odata.type": type, ...row }));
        const updated = fc
          .tuple(
            fc.constantFrom(...(dv.ids[table.logicalName] ?? ["00000000-0000-0000-0000-000000000001"])),
            fc.record(
              Object.fromEntries(
                writableColumns(table)
                  .filter(([, column]) => column.createOnly !== true)
                  .slice(0, 4)
                  .map(([name, column]) => [name, dataverseValue(column)]),
              ),
              { requiredKeys: [] },
            ),
          )
          .map(([id, row]) => ({ "@odata.type": type, [table.primaryIdAttribute]: id, ...row }));
        const action = fc.constantFrom(
          "CreateMultiple",
          "CreateMultiple",
          "UpdateMultiple",
          "DeleteMultiple",
          "createmultiple",
        );
        return action.chain((name) => {
          const valid = fc
            .array(name === "UpdateMultiple" ? updated : created, { minLength: 1, maxLength: 3 })
            .map((targets) => ({ Targets: targets }));
          const names = ["Targets", "@odata.type", table.primaryIdAttribute, ...Object.keys(table.columns)];
          const structured = withEntries(
            valid,
            ["Targets", 0],
            fc.array(
              fc.tuple(
                fc.oneof(
                  { arbitrary: fc.constantFrom(...names), weight: 4 },
                  { arbitrary: hostileKey(names), weight: 1 },
                ),
                hostileScalar(),
              ),
              { minLength: 1, maxLength: 3 },
            ),
          );
          return fc.tuple(fc.constant(table), fc.constant(name), hostileBody(valid, { keys: names, structured }));
        });
      });
      const property = fc.asyncProperty(request, contentType(), async ([table, action, body], type) => {
        const path = `${table.entitySetName}/Microsoft.Dynamics.CRM.${action}`;
        const what = `POST ${path} ${body.toString("utf8").slice(0, 400)}`;
        const before = dv.digest();
        const reply = await dv.call(
          "POST",
          path,
          body,
          { "content-type": type },
          `POST <set>/Microsoft.Dynamics.CRM.${action}`,
        );
        expectNoServerError(reply, what);
        if (reply.status < 300) {
          outcomes.accept();
          const created = (reply.json as { Ids?: unknown } | undefined)?.Ids;
          for (const id of Array.isArray(created) ? created : [])
            await expectStoredRowValid(dv, table, String(id), what);
          return;
        }
        outcomes.refuse();
        expectRefusal(reply, what);
        dv.expectNothingWritten(before, what);
      });
      expect(await checkProperty("dataverse bulk actions", property, BULK_RUNS)).toBe(BULK_RUNS);
      outcomes.expectBoth("dataverse bulk actions");
    },
    timeoutFor(BULK_RUNS),
  );

  it("still answers afterwards", async () => {
    const reply = await dv.call("GET", "WhoAmI");
    expect([reply.status, (reply.json as { UserId?: string }).UserId]).toEqual([200, dv.userId]);
  });
});
