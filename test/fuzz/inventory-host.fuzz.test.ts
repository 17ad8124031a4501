/**
 * Fuzzing the host's inventory routes (`plugins-ts/host/routes.ts`): hostile RemoteExecutionContexts
 * at each inventory webhook handler, hostile data events of the inventory entities (and of one no
 * map reads) at the host's one SCM events entrance, and any method, key and query at `status`. Same property as the plug-in host: a 4xx with a JSON message (or a
 * 2xx for an input that is valid), never a 5xx or a dropped connection, nothing written when
 * refused, and the host still answers.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import fc from "fast-check";
import type { ColumnDefinition } from "@fsi/core/dataverse/schema";
import { tableByLogicalName } from "@fsi/core/dataverse/tables";
import { parseScmDataEventWithIds } from "@fsi/plugins/integration/scm-data-event";
import { scmEntities } from "@fsi/core/scm/entities";
import { remoteExecutionContextSchema } from "@fsi/plugins/context/remote-execution-context-schema";
import {
  ADMIN,
  INTEGRATION,
  type InventoryEnvironment,
  SCM_EVENTS_KEY,
  WEBHOOK_KEY,
  startInventoryEnvironment,
} from "@fsi/plugins/inventory/__tests__/support/environment";
import type { InventoryStepDefinition } from "@fsi/plugins/inventory/registration/steps";
import { buildRemoteExecutionContext } from "@fsi/sandbox/dataverse";
import { dataEvent, dataverseValue, writableColumns } from "./support/documents";
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
import type { JsonNode } from "./support/json-text";
import { type RawReply, expectNoServerError, expectRefusal, send } from "./support/http";
import { Outcomes, checkProperty, runs, timeoutFor } from "./support/runs";
import { type StoreDigest, changedStores, digestOf } from "./support/store-digest";

/** Cases per property (fixed; `FUZZ_RUNS_SCALE` scales them). */
const WEBHOOK_RUNS = runs(250);
const SCM_EVENT_RUNS = runs(150);
const STATUS_RUNS = runs(100);

const PREFIX = "/plugins/inventory";
const SCM_EVENTS = "/plugins/scm-events";
const PLUGIN_OUTCOMES = ["applied", "skipped", "unchanged", "queued", "valid"];

let env: InventoryEnvironment;
let stateDir: string;
let state: Database.Database;

beforeAll(async () => {
  stateDir = mkdtempSync(join(tmpdir(), "fsi-fuzz-inventory-"));
  const statePath = join(stateDir, "inventory.sqlite");
  env = await startInventoryEnvironment({ statePath });
  state = new Database(statePath, { readonly: true });
});

afterAll(async () => {
  state.close();
  await env.close();
  rmSync(stateDir, { recursive: true, force: true });
});

async function digests(): Promise<Record<string, StoreDigest>> {
  await env.engine.idle();
  await env.dataverse.emulator.idle();
  return {
    dataverse: digestOf(env.dataverse.emulator.store.writer),
    scm: digestOf(env.scm.db),
    inventory: digestOf(state),
  };
}

async function expectNothingWritten(before: Record<string, StoreDigest>, what: string): Promise<void> {
  const changed = changedStores(before, await digests());
  if (changed.length > 0) throw new Error(`${what}: a refused request wrote to ${changed.join("; ")}`);
}

const describeRequest = (path: string, body: Buffer | undefined) =>
  `POST ${path.slice(0, 200)} ${body === undefined ? "" : body.toString("utf8").slice(0, 300)}`;

/** Rows Field Service holds, by table: lookups mostly point at them so the flows get past "not found". */
function knownIds(): Record<string, readonly string[]> {
  return {
    cdm_company: [env.ids.company],
    uom: Object.values(env.ids.units),
    product: Object.values(env.ids.products),
    msdyn_warehouse: Object.values(env.ids.warehouses),
    account: Object.values(env.ids.accounts),
  };
}

function lookupValue(
  column: Extract<ColumnDefinition, { type: "lookup" }>,
): fc.Arbitrary<{ id: string; logicalName: string }> {
  return fc.constantFrom(...column.targets).chain((target) => {
    const known = knownIds()[target] ?? [];
    const id =
      known.length === 0
        ? fc.uuid()
        : fc.oneof({ arbitrary: fc.constantFrom(...known), weight: 3 }, { arbitrary: fc.uuid(), weight: 1 });
    return id.map((value) => ({ id: value, logicalName: target }));
  });
}

/** The context Dataverse would post for `step`: its table's row with random columns and images. */
function stepContext(step: InventoryStepDefinition): fc.Arbitrary<Record<string, unknown>> {
  const table = tableByLogicalName(step.table);
  if (table === undefined) throw new Error(`core has no table ${step.table}`);
  const lookups = Object.entries(table.columns).flatMap(([name, column]) =>
    column.type === "lookup" ? [[name, lookupValue(column)] as const] : [],
  );
  const attributes = fc.record(
    {
      ...Object.fromEntries(writableColumns(table).map(([name, column]) => [name, dataverseValue(column)])),
      ...Object.fromEntries(lookups),
    },
    { requiredKeys: [] },
  );
  return fc
    .record({
      id: fc.uuid(),
      attributes,
      pre: attributes,
      correlationId: fc.uuid(),
      user: fc.constantFrom(ADMIN.id, ADMIN.id, INTEGRATION.id),
    })
    .map(({ id, attributes: changes, pre, correlationId, user }) => {
      const entity = (values: typeof changes) => ({
        table,
        id,
        attributes: { ...values, [table.primaryIdAttribute]: id } as never,
        withFormattedValues: false,
      });
      const images = (type: "pre" | "post") =>
        step.images
          .filter((image) => image.type === type)
          .map((image) => [image.alias, entity(type === "pre" ? pre : { ...pre, ...changes })] as const);
      return buildRemoteExecutionContext({
        messageName: step.message,
        stage: step.stage,
        mode: step.mode === "sync" ? 0 : 1,
        primaryEntityName: table.logicalName,
        primaryEntityId: id,
        target:
          step.message === "Delete"
            ? { kind: "reference", logicalName: table.logicalName, id }
            : { kind: "entity", entity: entity(changes) },
        preImages: images("pre"),
        postImages: images("post"),
        outputParameters: step.message === "Create" && step.stage === 40 ? [["id", id]] : [],
        depth: 1,
        correlationId,
        userId: user,
        initiatingUserId: user,
        businessUnitId: correlationId,
        organizationId: correlationId,
        organizationName: "contoso",
        operationId: correlationId,
        operationCreatedOn: new Date(0),
        isInTransaction: step.stage !== 10,
        owningExtension: { id: correlationId, name: step.name },
        parentContext: null,
      });
    });
}

async function stillAnswers(): Promise<void> {
  const status = await send(env.hostUrl, {
    method: "GET",
    path: `${PREFIX}/status`,
    headers: { "x-fsi-webhook-key": WEBHOOK_KEY },
  });
  expect(status.status).toBe(200);
}

function expectOutcome(reply: RawReply, what: string): void {
  const outcome = (reply.json as { outcome?: unknown } | undefined)?.outcome;
  if (typeof outcome !== "string" || !PLUGIN_OUTCOMES.includes(outcome))
    throw new Error(`${what}: a ${reply.status} reply without a known outcome: ${reply.text.slice(0, 300)}`);
}

function parsedBody(body: Buffer, what: string, status: number): unknown {
  try {
    return JSON.parse(body.toString("utf8")) as unknown;
  } catch {
    throw new Error(`${what}: answered ${status} to a body that is not JSON`);
  }
}

describe("the inventory host under random and hostile input", () => {
  it(
    `POST ${PREFIX}/webhooks/<handler>: ${WEBHOOK_RUNS} cases`,
    async () => {
      const outcomes = new Outcomes();
      const steps = env.engine.webhookSteps();
      const handlers = [...new Set(steps.map((step) => step.handler))];
      const step = fc.constantFrom(...steps);
      const logicalNames = [
        ...new Set(steps.map((candidate) => candidate.table)),
        "product",
        "uom",
        "msdyn_warehouse",
        "cdm_company",
        "account",
      ];
      const request = step.chain((chosen) => {
        const valid = stepContext(chosen);
        const columns = Object.keys(tableByLogicalName(chosen.table)?.columns ?? {});
        const name = fc.oneof(
          { arbitrary: fc.constant<string>(chosen.handler), weight: 8 },
          { arbitrary: fc.constantFrom(...handlers), weight: 1 },
          { arbitrary: wireText(hostileString({ long: false })), weight: 1 },
        );
        return fc.tuple(
          name,
          hostileBody(valid, { keys: columns, structured: contextWithHostileTarget(valid, columns, logicalNames) }),
        );
      });
      const key = fc.oneof(
        { arbitrary: fc.constant<string | undefined>(WEBHOOK_KEY), weight: 9 },
        { arbitrary: fc.constantFrom<string | undefined>(undefined, "", "nope"), weight: 1 },
      );
      const property = fc.asyncProperty(request, key, contentType(), async ([handler, body], webhookKey, type) => {
        const path = `${PREFIX}/webhooks/${handler}`;
        const what = describeRequest(path, body);
        const before = await digests();
        const reply = await send(env.hostUrl, {
          method: "POST",
          path,
          headers: { "content-type": type, "x-fsi-webhook-key": webhookKey },
          body,
          label: `POST ${PREFIX}/webhooks/${handlers.includes(handler as never) ? handler : "<other>"}`,
        });
        expectNoServerError(reply, what);
        if (reply.status < 300) {
          outcomes.accept();
          if (!remoteExecutionContextSchema.safeParse(parsedBody(body, what, reply.status)).success)
            throw new Error(`${what}: answered ${reply.status} to a body that is not a RemoteExecutionContext`);
          expectOutcome(reply, what);
          return;
        }
        outcomes.refuse();
        expectRefusal(reply, what);
        await expectNothingWritten(before, what);
      });
      expect(await checkProperty("inventory-host webhooks", property, WEBHOOK_RUNS)).toBe(WEBHOOK_RUNS);
      outcomes.expectBoth("inventory-host webhooks");
      await stillAnswers();
    },
    timeoutFor(WEBHOOK_RUNS),
  );

  it(
    `POST ${SCM_EVENTS} with the inventory entities' events: ${SCM_EVENT_RUNS} cases`,
    async () => {
      const outcomes = new Outcomes();
      const live = env.engine.scmSubscriptionCollections();
      const entities = scmEntities.filter(
        // ReleasedProducts: an entity no map reads (refused at the entrance).
        (entity) => live.includes(entity.collection) || entity.collection === "ReleasedProducts",
      );
      const known = {
        ItemNumber: ["A0001", "A0002", "B0001", "S0001"],
        WarehouseId: ["1001", "1002", "1990"],
        ProjectId: ["US-PRJ-0001", "US-PRJ-0002", "US-PRJ-0005"],
      };
      const valid = dataEvent(entities, known);
      const fieldNames = [...new Set(entities.flatMap((entity) => Object.keys(entity.fields)))];
      const fields = (value: fc.Arbitrary<JsonNode>) =>
        fc.array(
          fc.tuple(
            fc.oneof(
              { arbitrary: fc.constantFrom(...fieldNames), weight: 4 },
              { arbitrary: hostileKey(fieldNames), weight: 1 },
            ),
            value,
          ),
          { minLength: 1, maxLength: 4 },
        );
      const structured = fc.oneof(
        withEntries(valid, ["InputParameters"], fields(hostileScalar())),
        withEntries(valid, ["PreEntityImages"], fields(hostileString().map((text) => ({ raw: JSON.stringify(text) })))),
      );
      const code = fc.oneof(
        { arbitrary: fc.constant(SCM_EVENTS_KEY), weight: 9 },
        { arbitrary: fc.constantFrom("", "wrong", "%E0%A4%A"), weight: 1 },
      );
      const property = fc.asyncProperty(
        code,
        contentType(),
        hostileBody(valid, { keys: fieldNames, structured }),
        async (key, type, body) => {
          const path = `${SCM_EVENTS}?code=${key}`;
          const what = describeRequest(path, body);
          const before = await digests();
          const reply = await send(env.hostUrl, {
            method: "POST",
            path,
            headers: { "content-type": type },
            body,
            label: `POST ${SCM_EVENTS}`,
          });
          expectNoServerError(reply, what);
          if (reply.status < 300) {
            outcomes.accept();
            if (!(await isDataEvent(parsedBody(body, what, reply.status))))
              throw new Error(`${what}: answered ${reply.status} to a body that is not a data event`);
            expectOutcome(reply, what);
            return;
          }
          outcomes.refuse();
          expectRefusal(reply, what);
          await expectNothingWritten(before, what);
        },
      );
      expect(await checkProperty("inventory-host scm-events", property, SCM_EVENT_RUNS)).toBe(SCM_EVENT_RUNS);
      outcomes.expectBoth("inventory-host scm-events");
      await stillAnswers();
    },
    timeoutFor(SCM_EVENT_RUNS),
  );

  it(
    `any method, key and query at ${PREFIX}/status and unknown paths: ${STATUS_RUNS} cases`,
    async () => {
      const outcomes = new Outcomes();
      const path = fc.oneof(
        { arbitrary: fc.constant(`${PREFIX}/status`), weight: 4 },
        {
          arbitrary: fc
            .array(
              fc.oneof(
                fc.constantFrom("status", "webhooks", "scm-events", ""),
                wireText(hostileString({ long: false })),
                malformedPercent(),
              ),
              { minLength: 1, maxLength: 3 },
            )
            .map((segments) => `${PREFIX}/${segments.join("/")}`),
          weight: 2,
        },
      );
      const query = fc.option(wireText(hostileString({ long: false })), { nil: undefined });
      const method = fc.constantFrom("GET", "GET", "GET", "POST", "PUT", "DELETE", "OPTIONS", "PATCH");
      const key = fc.oneof(
        { arbitrary: fc.constant<string | undefined>(WEBHOOK_KEY), weight: 3 },
        { arbitrary: fc.constantFrom<string | undefined>(undefined, "", "wrong", `${WEBHOOK_KEY}x`), weight: 1 },
      );
      const property = fc.asyncProperty(method, path, query, key, async (verb, target, search, webhookKey) => {
        const full = search === undefined ? target : `${target}?${search}`;
        const what = `${verb} ${full}`;
        const before = await digests();
        const reply = await send(env.hostUrl, {
          method: verb,
          path: full,
          headers: { "x-fsi-webhook-key": webhookKey },
          label: `${verb} ${target === `${PREFIX}/status` ? target : `${PREFIX}/<other>`}`,
        });
        expectNoServerError(reply, what);
        if (reply.status < 300) {
          outcomes.accept();
          if (verb !== "GET" || target !== `${PREFIX}/status` || webhookKey !== WEBHOOK_KEY)
            throw new Error(`${what}: answered ${reply.status}`);
          const maps = (reply.json as { maps?: unknown } | undefined)?.maps;
          if (!Array.isArray(maps) || maps.length === 0)
            throw new Error(`${what}: a status without maps: ${reply.text.slice(0, 300)}`);
          return;
        }
        outcomes.refuse();
        expectRefusal(reply, what);
        await expectNothingWritten(before, what);
      });
      expect(await checkProperty("inventory-host status", property, STATUS_RUNS)).toBe(STATUS_RUNS);
      outcomes.expectBoth("inventory-host status");
      await stillAnswers();
    },
    timeoutFor(STATUS_RUNS),
  );
});

/** A data event of the documented shape; a keyless one counts (the host may know its row's key). */
async function isDataEvent(json: unknown): Promise<boolean> {
  try {
    await parseScmDataEventWithIds(json, { remember: () => Promise.resolve(), keyOf: () => Promise.resolve({}) });
    return true;
  } catch {
    return false;
  }
}
