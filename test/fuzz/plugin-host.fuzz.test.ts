/**
 * Fuzzing the plug-in host (bad input): random and hostile requests at every route —
 * webhook bodies (RemoteExecutionContext), SCM business events, validation API requests (with a
 * valid bearer token, so the body is what is fuzzed), health and unknown paths. Every reply is a
 * 4xx with a JSON message, or a 2xx for an input that is in fact valid (checked against the
 * schema); never a 5xx or a dropped connection; a refused request writes nothing to Dataverse,
 * SCM or the host's own state; the host still answers afterwards.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import fc from "fast-check";
import { tableColumn } from "@fsi/core/dataverse/schema";
import { tableByLogicalName, warehouse } from "@fsi/core/dataverse/tables";
import { parseScmDataEvent } from "@fsi/plugins/integration/scm-data-event";
import { scmEntities } from "@fsi/core/scm/entities";
import {
  isBatchRequestBody,
  validationBatchRequestSchema,
  validationBatchResponseSchema,
  validationRequestSchema,
  validationResponseSchema,
} from "@fsi/core/validation/contract";
import { remoteExecutionContextSchema } from "@fsi/plugins/context/remote-execution-context-schema";
import { warehouseCreateContext } from "@fsi/plugins/__tests__/support/contexts";
import {
  ADMIN,
  ALLOWED_ORIGIN,
  type Environment,
  SCM_EVENTS_KEY,
  WEBHOOK_KEY,
  dataverseRowByKey,
  scmRequest,
  startEnvironment,
  settle,
} from "@fsi/plugins/__tests__/support/environment";
import { dataEvent, identifier, validationRequest } from "./support/documents";
import { contextWithHostileTarget } from "./support/execution-context";
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
import { type JsonNode, raw } from "./support/json-text";
import { type RawReply, expectNoServerError, expectRefusal, send } from "./support/http";
import { Outcomes, checkProperty, runs, timeoutFor } from "./support/runs";
import { type StoreDigest, changedStores, digestOf } from "./support/store-digest";

/** Cases per property (fixed; `FUZZ_RUNS_SCALE` scales them for a deeper local search). */
const WEBHOOK_RUNS = runs(250);
const SCM_EVENT_RUNS = runs(200);
const VALIDATE_RUNS = runs(200);
const ROUTE_RUNS = runs(150);

const HANDLERS = ["validate", "sync-to-scm", "sync-status"] as const;
const PLUGIN_OUTCOMES = ["applied", "skipped", "unchanged", "queued", "valid"];

let env: Environment;
let stateDir: string;
let state: Database.Database;
let siteId: string;
let bearer: string;

beforeAll(async () => {
  stateDir = mkdtempSync(join(tmpdir(), "fsi-fuzz-host-"));
  const statePath = join(stateDir, "state.sqlite");
  env = await startEnvironment({ statePath });
  state = new Database(statePath, { readonly: true });
  await scmRequest(env.scmUrl, "POST", "OperationalSites", { dataAreaId: "usmf", SiteId: "S1", SiteName: "Seattle" });
  await settle(env);
  siteId = String(
    (await dataverseRowByKey(env, "msdyn_operationalsites", "msdyn_siteid eq 'S1'"))?.msdyn_operationalsiteid,
  );
  bearer = `Bearer ${(await env.issuer.issueToken({ id: ADMIN.id }, { lifetimeSeconds: 3600 })).access_token}`;
});

afterAll(async () => {
  state.close();
  await env.close();
  rmSync(stateDir, { recursive: true, force: true });
});

/** Every store a request could write: Dataverse's rows, SCM's rows, the host's queue and ledger. */
async function digests(): Promise<Record<string, StoreDigest>> {
  // SCM's data events of earlier cases arrive after SCM's writes returned: let them land first.
  await settle(env);
  return { dataverse: digestOf(env.dataverse.emulator.store.writer), scm: digestOf(env.scm.db), host: digestOf(state) };
}

/** Refusals write nothing: compares the stores before and after. */
async function expectNothingWritten(before: Record<string, StoreDigest>, what: string): Promise<void> {
  const changed = changedStores(before, await digests());
  if (changed.length > 0) throw new Error(`${what}: a refused request wrote to ${changed.join("; ")}`);
}

function describeRequest(method: string, path: string, body: Buffer | undefined): string {
  return `${method} ${path.slice(0, 200)} ${body === undefined ? "" : body.toString("utf8").slice(0, 300)}`;
}

/** usmf's rules want four-digit warehouse ids; other ids are refused by SCM (a 422). */
const warehouseId = fc.oneof(
  { arbitrary: fc.stringMatching(/^\d{4}$/), weight: 4 },
  { arbitrary: identifier, weight: 1 },
);
/** A webhook body Dataverse would send: a warehouse Create for the validate (10) or sync (40) step. */
const webhookContext = fc
  .record({
    identifier: warehouseId,
    name: fc.string({ minLength: 1, maxLength: 60 }),
    stage: fc.constantFrom<10 | 40>(10, 40),
  })
  .map(({ identifier: id, name, stage }) =>
    warehouseCreateContext({ identifier: id, name, companyId: env.companyId, siteId, stage }),
  );

const LOGICAL_NAMES = [
  "msdyn_warehouse",
  "cdm_company",
  "msdyn_operationalsite",
  "msdyn_customerasset",
  "account",
  "systemuser",
];
const hostileWebhookContext = contextWithHostileTarget(webhookContext, Object.keys(warehouse.columns), LOGICAL_NAMES);

/** `[name, value]` entries for an object of fields: known names or hostile keys, hostile scalars. */
function hostileFields(
  names: readonly string[],
  value: fc.Arbitrary<JsonNode> = hostileScalar(),
): fc.Arbitrary<(readonly [string, JsonNode])[]> {
  const name = fc.oneof(
    { arbitrary: fc.constantFrom(...names), weight: 4 },
    { arbitrary: hostileKey(names), weight: 1 },
  );
  return fc.array(fc.tuple(name, value), { minLength: 1, maxLength: 4 });
}

const contextKeys = [
  "MessageName",
  "PrimaryEntityName",
  "PrimaryEntityId",
  "Stage",
  "Mode",
  "Depth",
  "UserId",
  "InitiatingUserId",
  "CorrelationId",
  "InputParameters",
  "PostEntityImages",
  "Target",
  "Attributes",
  "__type",
  "Id",
  "LogicalName",
  "key",
  "value",
];

async function stillAnswers(): Promise<void> {
  const health = await send(env.hostUrl, { method: "GET", path: "/plugins/health" });
  expect(health.status).toBe(200);
}

describe("the plug-in host under random and hostile input", () => {
  it(
    `POST /plugins/webhooks/<handler>: ${WEBHOOK_RUNS} cases`,
    async () => {
      const outcomes = new Outcomes();
      const handler = fc.oneof(
        { arbitrary: fc.constantFrom(...HANDLERS), weight: 8 },
        { arbitrary: wireText(hostileString({ long: false })), weight: 1 },
        { arbitrary: malformedPercent(), weight: 1 },
      );
      const key = fc.oneof(
        { arbitrary: fc.constant<string | undefined>(WEBHOOK_KEY), weight: 9 },
        {
          arbitrary: fc.constantFrom<string | undefined>(undefined, "", `${WEBHOOK_KEY}x`, WEBHOOK_KEY.slice(1)),
          weight: 1,
        },
      );
      const property = fc.asyncProperty(
        handler,
        key,
        contentType(),
        hostileBody(webhookContext, { keys: contextKeys, structured: hostileWebhookContext }),
        async (name, webhookKey, type, body) => {
          const path = `/plugins/webhooks/${name}`;
          const what = describeRequest("POST", path, body);
          const before = await digests();
          const label = `POST /plugins/webhooks/${(HANDLERS as readonly string[]).includes(name) ? name : "<other>"}`;
          const reply = await send(env.hostUrl, {
            method: "POST",
            path,
            headers: { "content-type": type, "x-fsi-webhook-key": webhookKey },
            body,
            label,
          });
          expectNoServerError(reply, what);
          if (reply.status < 300) {
            outcomes.accept();
            expectValidWebhook(reply, body, what);
            return;
          }
          outcomes.refuse();
          expectRefusal(reply, what);
          await expectNothingWritten(before, what);
        },
      );
      expect(await checkProperty("plugin-host webhooks", property, WEBHOOK_RUNS)).toBe(WEBHOOK_RUNS);
      outcomes.expectBoth("plugin-host webhooks");
      await stillAnswers();
    },
    timeoutFor(WEBHOOK_RUNS),
  );

  it(
    `POST /plugins/scm-events: ${SCM_EVENT_RUNS} cases`,
    async () => {
      const outcomes = new Outcomes();
      const mapped = scmEntities.filter((entity) => env.host.maps.forScmCollection(entity.collection) !== undefined);
      const code = fc.oneof(
        { arbitrary: fc.constant(SCM_EVENTS_KEY), weight: 9 },
        { arbitrary: fc.constantFrom("", "wrong", `${SCM_EVENTS_KEY}%00`, "%E0%A4%A"), weight: 1 },
      );
      const eventKeys = [
        "MessageName",
        "PrimaryEntityName",
        "PrimaryEntityId",
        "InputParameters",
        "PreEntityImages",
        "Stage",
        "Mode",
        "CorrelationId",
        "RequestId",
      ];
      const valid = dataEvent(mapped);
      const fieldNames = [...new Set(mapped.flatMap((entity) => Object.keys(entity.fields)))];
      const structured = fc.oneof(
        withEntries(valid, ["InputParameters"], hostileFields(fieldNames)),
        withEntries(
          valid,
          ["PreEntityImages"],
          hostileFields(
            fieldNames,
            hostileString().map((text) => raw(JSON.stringify(text))),
          ),
        ),
      );
      const property = fc.asyncProperty(
        code,
        contentType(),
        hostileBody(valid, { keys: eventKeys, structured }),
        async (key, type, body) => {
          const path = `/plugins/scm-events?code=${key}`;
          const what = describeRequest("POST", path, body);
          const before = await digests();
          const reply = await send(env.hostUrl, {
            method: "POST",
            path,
            headers: { "content-type": type },
            body,
            label: "POST /plugins/scm-events",
          });
          expectNoServerError(reply, what);
          if (reply.status < 300) {
            outcomes.accept();
            // Only a business event of the documented shape gets this far.
            // Only a data event of the documented shape gets this far.
            if (!isDataEvent(JSON.parse(body.toString("utf8"))))
              throw new Error(`${what}: answered ${reply.status} to a body that is not a data event`);
            expectOutcome(reply, what);
            return;
          }
          outcomes.refuse();
          expectRefusal(reply, what);
          await expectNothingWritten(before, what);
        },
      );
      expect(await checkProperty("plugin-host scm-events", property, SCM_EVENT_RUNS)).toBe(SCM_EVENT_RUNS);
      outcomes.expectBoth("plugin-host scm-events");
      await stillAnswers();
    },
    timeoutFor(SCM_EVENT_RUNS),
  );

  it(
    `POST /plugins/validate (valid bearer token): ${VALIDATE_RUNS} cases`,
    async () => {
      const outcomes = new Outcomes();
      const request = fc.oneof(
        { arbitrary: validationRequest, weight: 3 },
        {
          arbitrary: fc.array(validationRequest, { minLength: 1, maxLength: 3 }).map((requests) => ({ requests })),
          weight: 1,
        },
      );
      const requestKeys = [
        "table",
        "operation",
        "id",
        "company",
        "attributes",
        "requests",
        "msdyn_name",
        "logicalName",
      ];
      const origin = fc.oneof(
        { arbitrary: fc.constant(undefined), weight: 8 },
        { arbitrary: fc.constantFrom(ALLOWED_ORIGIN, "https://evil.example", "null"), weight: 1 },
      );
      const columns = [
        ...new Set(Object.values(env.host.maps.maps).flatMap((map) => map.columns.map((pair) => pair.dataverse))),
      ];
      const reference = fc.record(
        {
          id: fc.oneof(fc.uuid(), hostileString()),
          logicalName: fc.oneof(fc.constantFrom(...LOGICAL_NAMES), hostileString()),
          name: hostileString(),
        },
        { requiredKeys: ["id", "logicalName"] },
      );
      const value = fc.oneof(
        { arbitrary: hostileScalar(), weight: 4 },
        { arbitrary: reference.map((ref) => raw(JSON.stringify(ref))), weight: 1 },
      );
      const structured = withEntries(validationRequest, ["attributes"], hostileFields(columns, value));
      const property = fc.asyncProperty(
        contentType(),
        origin,
        hostileBody(request, { keys: requestKeys, structured }),
        async (type, from, body) => {
          const what = describeRequest("POST", "/plugins/validate", body);
          const before = await digests();
          const reply = await send(env.hostUrl, {
            method: "POST",
            path: "/plugins/validate",
            headers: { authorization: bearer, "content-type": type, origin: from },
            body,
          });
          expectNoServerError(reply, what);
          // The validation API never writes, whatever it answers.
          await expectNothingWritten(before, what);
          if (reply.status < 300) {
            outcomes.accept();
            expectValidValidation(reply, body, what);
            return;
          }
          outcomes.refuse();
          expectRefusal(reply, what);
        },
      );
      expect(await checkProperty("plugin-host validate", property, VALIDATE_RUNS)).toBe(VALIDATE_RUNS);
      outcomes.expectBoth("plugin-host validate");
      await stillAnswers();
    },
    timeoutFor(VALIDATE_RUNS),
  );

  it(
    `any method and path under /plugins (health, unknown routes, hostile segments): ${ROUTE_RUNS} cases`,
    async () => {
      const outcomes = new Outcomes();
      const segment = fc.oneof(
        fc.constantFrom("health", "webhooks", "validate", "scm-events", "sync-to-scm", "", "..", "."),
        wireText(hostileString({ long: false })),
        malformedPercent(),
      );
      const path = fc.oneof(
        {
          arbitrary: fc.constantFrom(
            "/plugins/health",
            "/plugins/health",
            "/plugins/health/",
            "/plugins/validate",
            "/plugins/scm-events",
            "/plugins/webhooks/validate",
            "/plugins/webhooks/",
          ),
          weight: 2,
        },
        {
          arbitrary: fc
            .array(segment, { minLength: 1, maxLength: 3 })
            .map((segments) => `/plugins/${segments.join("/")}`),
          weight: 3,
        },
      );
      const query = fc.option(wireText(hostileString({ long: false })), { nil: undefined });
      const method = fc.constantFrom(
        "GET",
        "GET",
        "POST",
        "PUT",
        "PATCH",
        "DELETE",
        "OPTIONS",
        "HEAD",
        "TRACE",
        "PROPFIND",
      );
      const property = fc.asyncProperty(method, path, query, async (verb, target, search) => {
        const full = search === undefined ? target : `${target}?${search}`;
        const what = describeRequest(verb, full, undefined);
        const before = await digests();
        const known = [
          "/plugins/health",
          "/plugins/validate",
          "/plugins/scm-events",
          "/plugins/webhooks/validate",
        ].includes(target);
        const reply = await send(env.hostUrl, {
          method: verb,
          path: full,
          headers: { "x-fsi-webhook-key": WEBHOOK_KEY },
          label: `${verb} ${known ? target : "/plugins/<other>"}`,
        });
        expectNoServerError(reply, what);
        if (reply.status < 300) {
          outcomes.accept();
          // Only the routes that answer without a body can succeed here: health and a preflight.
          if (verb === "GET" && target === "/plugins/health") {
            expect(reply.json).toEqual({ status: "ok", queueDepth: expect.any(Number) as unknown });
            return;
          }
          if (!["/plugins/validate", "/plugins/health/"].includes(target)) {
            throw new Error(`${what}: answered ${reply.status}`);
          }
          return;
        }
        outcomes.refuse();
        if (verb !== "HEAD") expectRefusal(reply, what);
        await expectNothingWritten(before, what);
      });
      expect(await checkProperty("plugin-host routes", property, ROUTE_RUNS)).toBe(ROUTE_RUNS);
      outcomes.expectBoth("plugin-host routes");
      await stillAnswers();
    },
    timeoutFor(ROUTE_RUNS),
  );
});

/** A 2xx webhook reply: the body was a RemoteExecutionContext and the plug-in says what it did. */
function expectValidWebhook(reply: RawReply, body: Buffer, what: string): void {
  let json: unknown;
  try {
    json = JSON.parse(body.toString("utf8")) as unknown;
  } catch {
    throw new Error(`${what}: answered ${reply.status} to a body that is not JSON`);
  }
  if (!remoteExecutionContextSchema.safeParse(json).success)
    throw new Error(`${what}: answered ${reply.status} to a body that is not a RemoteExecutionContext`);
  expectOutcome(reply, what);
}

function expectOutcome(reply: RawReply, what: string): void {
  const outcome = (reply.json as { outcome?: unknown } | undefined)?.outcome;
  if (typeof outcome !== "string" || !PLUGIN_OUTCOMES.includes(outcome))
    throw new Error(`${what}: a ${reply.status} reply without a known outcome: ${reply.text.slice(0, 300)}`);
}

/** A 2xx validation reply: the request matched the contract and the reply matches it too. */
function expectValidValidation(reply: RawReply, body: Buffer, what: string): void {
  const json = JSON.parse(body.toString("utf8")) as unknown;
  if (isBatchRequestBody(json)) {
    if (!validationBatchRequestSchema.safeParse(json).success)
      throw new Error(`${what}: answered ${reply.status} to a malformed batch`);
    const parsed = validationBatchResponseSchema.safeParse(reply.json);
    if (!parsed.success || parsed.data.results.length !== (json as { requests: unknown[] }).requests.length)
      throw new Error(`${what}: batch reply off contract: ${reply.text.slice(0, 300)}`);
    return;
  }
  const request = validationRequestSchema.safeParse(json);
  if (!request.success) throw new Error(`${what}: answered ${reply.status} to a malformed request`);
  const response = validationResponseSchema.safeParse(reply.json);
  if (!response.success) throw new Error(`${what}: reply off contract: ${reply.text.slice(0, 300)}`);
  // Every attribute that is no column of the table is named as such (`constructor` included).
  const table = tableByLogicalName(request.data.table);
  for (const name of Object.keys(request.data.attributes)) {
    if (table === undefined || tableColumn(table, name) !== undefined) continue;
    if (
      response.data.valid ||
      !response.data.errors.some((error) => error.attribute === name && error.code === "unknownColumn")
    ) {
      throw new Error(
        `${what}: ${name} is no column of ${request.data.table}, yet the reply does not say so: ${reply.text.slice(0, 300)}`,
      );
    }
  }
}

function isDataEvent(json: unknown): boolean {
  try {
    parseScmDataEvent(json);
    return true;
  } catch {
    return false;
  }
}
