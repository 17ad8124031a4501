/**
 * Administration of the emulator (not an F&O API): business rules (`GET`/`PUT /admin/rules`),
 * business event subscriptions, and the async outbox for troubleshooting deliveries.
 */
import { formatZodError, scmEventSubscriptionRequestSchema, zodErrorProblems } from "../../../core";
import { type AsyncMutex, type Router, pathSegments, readJson, sendEmpty, sendJson } from "../../http";
import { notFound, scmError } from "../errors";
import type { EventOutbox } from "../events/outbox";
import type { SubscriptionStore } from "../events/subscriptions";
import { type ScmRulesFile, rulesFileSchema } from "../rules/schema";

export interface AdminRoutesDependencies {
  readonly prefix: string;
  readonly rules: () => ScmRulesFile;
  readonly replaceRules: (rules: ScmRulesFile) => void;
  readonly subscriptions: SubscriptionStore;
  readonly outbox: EventOutbox;
  /** Rules change between writes, never in the middle of one. */
  readonly writeLock: AsyncMutex;
  readonly bodyLimitBytes: number;
}

export function addAdminRoutes(router: Router, deps: AdminRoutesDependencies): void {
  const admin = `${deps.prefix}/admin`;

  router.on("GET", `${admin}/rules`, ({ res }) => {
    sendJson(res, 200, deps.rules());
  }, { exact: true });

  router.on("PUT", `${admin}/rules`, async ({ req, res }) => {
    const body = await readJson(req, { limitBytes: deps.bodyLimitBytes });
    const parsed = rulesFileSchema.safeParse(body);
    if (!parsed.success) {
      throw scmError(400, "InvalidRules", formatZodError(parsed.error, "rules"), { info: { problems: zodErrorProblems(parsed.error) } });
    }
    await deps.writeLock.runExclusive(() => {
      deps.replaceRules(parsed.data);
    });
    sendJson(res, 200, deps.rules());
  }, { exact: true });

  router.on(["GET", "POST"], `${admin}/subscriptions`, async ({ req, res }) => {
    if (req.method === "GET") {
      sendJson(res, 200, { value: deps.subscriptions.list() });
      return;
    }
    const body = await readJson(req, { limitBytes: deps.bodyLimitBytes });
    const parsed = scmEventSubscriptionRequestSchema.safeParse(body);
    if (!parsed.success) {
      throw scmError(400, "InvalidSubscription", formatZodError(parsed.error, "subscription"), {
        info: { problems: zodErrorProblems(parsed.error) },
      });
    }
    sendJson(res, 201, deps.subscriptions.add(parsed.data));
  }, { exact: true });

  router.on(["GET", "DELETE"], `${admin}/subscriptions`, ({ req, res, rest }) => {
    const [id, ...more] = pathSegments(rest);
    const subscription = id === undefined || more.length > 0 ? undefined : deps.subscriptions.get(id);
    if (id === undefined || subscription === undefined) throw notFound(`No subscription '${rest.slice(1)}'.`);
    if (req.method === "GET") {
      sendJson(res, 200, subscription);
      return;
    }
    deps.subscriptions.remove(id);
    sendEmpty(res, 204);
  });

  router.on("GET", `${admin}/outbox`, ({ res }) => {
    sendJson(res, 200, { value: deps.outbox.pending() });
  }, { exact: true });
}
