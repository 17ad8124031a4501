/**
 * Administration of the emulator (not an F&O API): business rules (`GET`/`PUT /admin/rules`), data
 * event endpoints (in F&O: the Business events page's endpoints and activated data events), the
 * delivery's test switches, the outbox and the error log with its Resend, and throttling.
 */
import {
  formatZodError,
  scmEventDeliveryFaultsSchema,
  scmEventEndpointRequestSchema,
  zodErrorProblems,
} from "@fsi/core";
import { type AsyncMutex, type Router, pathSegments, readJson, sendEmpty, sendJson } from "../../http";
import { notFound, scmError } from "../errors";
import type { EventEndpointStore } from "../events/endpoints";
import type { EventOutbox } from "../events/outbox";
import { type ScmRulesFile, rulesFileSchema } from "../rules/schema";
import { type Throttle, throttlingSettingsSchema } from "../throttling";

export interface AdminRoutesDependencies {
  readonly prefix: string;
  readonly rules: () => ScmRulesFile;
  readonly replaceRules: (rules: ScmRulesFile) => void;
  readonly endpoints: EventEndpointStore;
  readonly outbox: EventOutbox;
  readonly throttle: Throttle;
  /** Rules change between writes, never in the middle of one. */
  readonly writeLock: AsyncMutex;
  readonly bodyLimitBytes: number;
}

export function addAdminRoutes(router: Router, deps: AdminRoutesDependencies): void {
  const admin = `${deps.prefix}/admin`;
  const body = (req: Parameters<typeof readJson>[0]) => readJson(req, { limitBytes: deps.bodyLimitBytes });

  router.on(
    "GET",
    `${admin}/rules`,
    ({ res }) => {
      sendJson(res, 200, deps.rules());
    },
    { exact: true },
  );

  router.on(
    "PUT",
    `${admin}/rules`,
    async ({ req, res }) => {
      const parsed = rulesFileSchema.safeParse(await body(req));
      if (!parsed.success) {
        throw scmError(400, "InvalidRules", formatZodError(parsed.error, "rules"), {
          info: { problems: zodErrorProblems(parsed.error) },
        });
      }
      await deps.writeLock.runExclusive(() => {
        deps.replaceRules(parsed.data);
      });
      sendJson(res, 200, deps.rules());
    },
    { exact: true },
  );

  router.on(
    ["GET", "POST"],
    `${admin}/event-endpoints`,
    async ({ req, res }) => {
      if (req.method === "GET") {
        sendJson(res, 200, { value: deps.endpoints.list() });
        return;
      }
      const raw = await body(req);
      if (typeof raw === "object" && raw !== null && "mode" in raw) {
        throw scmError(
          400,
          "InvalidEndpoint",
          "Data events have no mode: SCM sends them after the change committed, asynchronously, and an endpoint cannot refuse or roll back a change. Remove 'mode'.",
        );
      }
      const parsed = scmEventEndpointRequestSchema.safeParse(raw);
      if (!parsed.success) {
        throw scmError(400, "InvalidEndpoint", formatZodError(parsed.error, "endpoint"), {
          info: { problems: zodErrorProblems(parsed.error) },
        });
      }
      sendJson(res, 201, deps.endpoints.add(parsed.data));
    },
    { exact: true },
  );

  router.on(["GET", "DELETE"], `${admin}/event-endpoints`, ({ req, res, rest }) => {
    const [id, ...more] = pathSegments(rest);
    const endpoint = id === undefined || more.length > 0 ? undefined : deps.endpoints.get(id);
    if (id === undefined || endpoint === undefined) throw notFound(`No endpoint '${rest.slice(1)}'.`);
    if (req.method === "GET") {
      sendJson(res, 200, endpoint);
      return;
    }
    deps.endpoints.remove(id);
    sendEmpty(res, 204);
  });

  router.on(
    ["GET", "PUT"],
    `${admin}/event-delivery`,
    async ({ req, res }) => {
      if (req.method === "PUT") {
        const parsed = scmEventDeliveryFaultsSchema.safeParse(await body(req));
        if (!parsed.success)
          throw scmError(400, "InvalidDeliverySettings", formatZodError(parsed.error, "event delivery"));
        deps.outbox.setDeliveryFaults(parsed.data);
      }
      sendJson(res, 200, deps.outbox.deliveryFaults());
    },
    { exact: true },
  );

  router.on(
    "GET",
    `${admin}/outbox`,
    ({ res }) => {
      sendJson(res, 200, { value: deps.outbox.pending() });
    },
    { exact: true },
  );

  router.on(
    "GET",
    `${admin}/event-errors`,
    ({ res }) => {
      sendJson(res, 200, { value: deps.outbox.errors() });
    },
    { exact: true },
  );

  router.on("POST", `${admin}/event-errors`, ({ res, rest }) => {
    const [id, action, ...more] = pathSegments(rest);
    if (id === undefined || action !== "resend" || more.length > 0 || !/^\d+$/.test(id))
      throw notFound(`No action at 'event-errors${rest}'; resend with POST event-errors/<id>/resend.`);
    if (!deps.outbox.resend(Number(id))) throw notFound(`No event ${id} in the error log.`);
    sendEmpty(res, 204);
  });

  router.on(
    ["GET", "PUT"],
    `${admin}/throttling`,
    async ({ req, res }) => {
      if (req.method === "PUT") {
        const parsed = throttlingSettingsSchema.safeParse(await body(req));
        if (!parsed.success) throw scmError(400, "InvalidThrottling", formatZodError(parsed.error, "throttling"));
        deps.throttle.replace(parsed.data);
      }
      sendJson(res, 200, deps.throttle.current());
    },
    { exact: true },
  );
}
