/**
 * The plug-in host: parses, authenticates and routes; plug-ins and the inventory engine do the
 * work. Its routes are the one route table (`routes.ts`), under `/plugins`:
 * - `POST webhooks/<handler>`, `POST inventory/webhooks/<handler>`: Dataverse webhook steps of the
 *   two-way maps and of the inventory maps, one plug-in interface for both, the service endpoint's
 *   key checked in constant time;
 * - `POST scm-events`: SCM data events, as SCM's HTTPS endpoint (a Dataverse webhook) posts them
 *   (its own key) — the one entrance for every map: an event of an entity the inventory engine
 *   reads (on-hand, projects) goes to it, any other to the two-way maps;
 * - `POST scm-catch-up`: the catch-up pass from SCM (`?map=<name>`, else every map; same key);
 * - `POST|OPTIONS validate`: the validation API for form scripts (bearer JWT, CORS);
 * - `GET health`: liveness and queue depth; `GET inventory/status`: the inventory maps' state;
 * - `GET probe/webhooks`, `GET probe/scm-events`: 200 only with the key the service endpoints or SCM's
 *   data event endpoint must send (checked exactly as on the real routes), so `fsi doctor` can tell
 *   the host accepts the key it set; without the key, the same 401 as the real routes.
 * The same `handle` serves plain `node:http` (`listener`), Azure Functions (`plugins-ts/azure`) and
 * the sandbox's `/plugins` mount.
 */
import type { RequestListener } from "node:http";
import { SIZE_EXCEEDED_HEADER, parseExecutionContext } from "../context/execution-context";
import { CompanyDirectory } from "../integration/company-directory";
import type { IntegrationSettings } from "../integration/settings";
import { ChangeReplayer, type ReplaySummary } from "../plugins/change-replayer";
import { type Plugin, type PluginServices, statusOf } from "../plugins/plugin";
import { type CatchUpSummary, catchUpFromScm } from "../plugins/scm-catch-up";
import { ScmToDataverseSync } from "../plugins/scm-to-dataverse";
import { SyncStatusPlugin } from "../plugins/sync-status-plugin";
import { SyncToScmPlugin } from "../plugins/sync-to-scm-plugin";
import { ValidatePlugin } from "../plugins/validate-plugin";
import { DataverseClient, type DataverseClientConfig } from "../services/dataverse-client";
import { type Logger, createLogger } from "../services/logger";
import { type MapCatalog, loadMapCatalog } from "../services/map-catalog";
import { ScmClient, type ScmClientConfig } from "../services/scm-client";
import type { RetryBackoff } from "../sync/change-queue";
import type { ChangeQueueStore, HostStateStore, MapStateStore, SyncLedgerStore } from "../sync/state-store";
import { openSqliteStateStore } from "../sync/sync-state";
import type { AzureStoreSettings } from "../sync/azure/storage-access";
import type { InventoryEngine } from "../inventory/engine";
import { type RouteName, matchRoute } from "./routes";
import { scmEventsHandler } from "./scm-events-entrance";
import { validationEndpoint } from "../validation-api/validation-endpoint";
import { type BearerAuthConfig, type BearerVerifier, createBearerVerifier } from "../http-kit/auth/bearer-token";
import { type WebhookAuth, requireWebhookKey } from "../http-kit/auth/webhook-key";
import { BackgroundWork } from "./background-work";
import type { CorsPolicy } from "../http-kit/cors";
import { integrationHttpError } from "../integration/error-replies";
import { parseJsonBody } from "../http-kit/body";
import { requireJsonContentType } from "../http-kit/content-type";
import { HttpError } from "../http-kit/errors";
import {
  type HostHandler,
  type HostRequest,
  type HostResponse,
  answer,
  errorReply,
  jsonReply,
} from "../http-kit/exchange";
import { toRequestListener } from "../http-kit/node-adapter";
import { CallerRateLimiter, type RateLimit, clientAddressOf } from "../http-kit/rate-limit";

export interface PluginHostConfig {
  readonly dataverse: DataverseClientConfig;
  readonly scm: ScmClientConfig;
  readonly integration: IntegrationSettings;
  /** How Dataverse's service endpoint authenticates to `/plugins/webhooks/*`. */
  readonly webhookAuth: WebhookAuth;
  /** How SCM's data event endpoint authenticates to `/plugins/scm-events` (and the catch-up pass). */
  readonly scmEventsAuth: WebhookAuth;
  readonly validationApi: {
    readonly bearer: BearerAuthConfig;
    readonly cors: CorsPolicy;
    /**
     * SCM timeout per attempt for the API; default 4 s, so two attempts fit the 10 s a form gives
     * its OnSave check (webhooks keep the SCM client's own timeout: Dataverse waits 60 s).
     */
    readonly scmTimeoutMs?: number;
    /**
     * Requests per signed-in user (and, for requests whose token does not verify, per client
     * address); over it, 429 with Retry-After. Default 120 per 60 s: a form asks once per save.
     */
    readonly rateLimit?: RateLimit;
  };
  /** Largest request body; default 1 MiB (a RemoteExecutionContext with two full images fits easily). */
  readonly bodyLimitBytes?: number;
  /**
   * The inventory engine whose plug-ins, SCM events and status this host serves (its state is
   * `store.inventory`); without one, those routes answer 404 and inventory events 400.
   */
  readonly inventory?: InventoryEngine;
  /** A JSON file of map overrides, read once at start; a bad file stops the host. */
  readonly mapOverridePath?: string;
  /**
   * The host's state store (sync/state-store.ts), shared with the inventory engine; the caller
   * opens and closes it. Without one, the host opens SQLite at `statePath` and closes it itself.
   */
  readonly store?: HostStateStore;
  /** The SQLite file of the change queue and ledger when no `store` is given; default `:memory:`. */
  readonly statePath?: string;
  /** `FSI_STATE_STORE=azure`: the entries open this shared store (`host-from-env.ts`) and pass it as `store`. */
  readonly azureStore?: AzureStoreSettings;
  /** How often due queued changes are retried; default 30 s, 0 turns the timer off. */
  readonly retryIntervalMs?: number;
  /** When a queued change is due again after a failed attempt; default 5 s doubling to 15 min. */
  readonly retryBackoff?: RetryBackoff;
  /** Attempts of a change waiting for a missing row before it becomes an error (`DEFAULT_DEPENDENCY_ATTEMPTS`). */
  readonly dependencyAttempts?: number;
  readonly log?: Logger;
  /** Path prefix of every route; default `/plugins`. */
  readonly pathPrefix?: string;
}

export interface PluginHost {
  /** The transport-neutral handler (Azure Functions, the sandbox). */
  readonly handle: HostHandler;
  /** For `http.createServer`. */
  readonly listener: RequestListener;
  readonly maps: MapCatalog;
  readonly queue: ChangeQueueStore;
  readonly ledger: SyncLedgerStore;
  readonly mapStates: MapStateStore;
  /** Replays every queued change now (not only due ones). */
  replayQueue(): Promise<ReplaySummary>;
  /** The catch-up pass from SCM for these maps (all when none are named), then a replay of what it queued. */
  catchUp(mapNames?: readonly string[]): Promise<CatchUpSummary[]>;
  /** Resolves once background work (replays started by arriving rows) has finished. */
  whenIdle(): Promise<void>;
  close(): Promise<void>;
}

export const DEFAULT_BODY_LIMIT_BYTES = 1024 * 1024;
export const DEFAULT_VALIDATION_RATE_LIMIT: RateLimit = { requests: 120, perSeconds: 60 };
const DEFAULT_RETRY_INTERVAL_MS = 30_000;

export function createPluginHost(config: PluginHostConfig): PluginHost {
  const log = config.log ?? createLogger();
  const prefix = (config.pathPrefix ?? "/plugins").replace(/\/+$/, "");
  const limit = config.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES;
  const maps = loadMapCatalog(config.mapOverridePath);
  const store =
    config.store ??
    openSqliteStateStore({
      path: config.statePath ?? ":memory:",
      ...(config.retryBackoff === undefined ? {} : { retryBackoff: config.retryBackoff }),
    });
  const { queue, ledger, mapStates } = store;
  const dataverse = new DataverseClient(config.dataverse);
  const scm = new ScmClient({ ...config.scm, integrationUser: config.integration.scmIntegrationUser });
  const validationScm = new ScmClient({
    ...config.scm,
    integrationUser: config.integration.scmIntegrationUser,
    timeoutMs: config.validationApi.scmTimeoutMs ?? 4_000,
  });
  const companies = new CompanyDirectory();
  const inventory = config.inventory;
  // Each webhook route's plug-ins, by handler name (core's `webhookPath` puts each handler under one).
  const pluginsByRoute: Readonly<Record<"webhooks" | "inventory-webhooks", ReadonlyMap<string, Plugin>>> = {
    webhooks: new Map<string, Plugin>(
      [new ValidatePlugin(), new SyncToScmPlugin(), new SyncStatusPlugin()].map((plugin) => [plugin.name, plugin]),
    ),
    "inventory-webhooks": new Map<string, Plugin>(inventory?.plugins ?? []),
  };
  const inbound = new ScmToDataverseSync();
  // The lease keeps this host and a `fsi sync resume` in a shell from replaying the same change.
  const replayer = new ChangeReplayer(inbound, store.lease(), config.dependencyAttempts);
  const background = new BackgroundWork((error) => {
    log.error("Background replay failed", { reason: error instanceof Error ? error.message : String(error) });
  });

  // A handler's calls back into Dataverse are requests of their own, in transactions of their own:
  // they never join the calling step's transaction (Learn, "Scalable customization design:
  // Database transactions"), so they must never write a row that step's operation holds.
  const servicesFor = (correlationId: string | undefined, request?: HostRequest): PluginServices => ({
    dataverse: dataverse.scoped({ tag: config.integration.echoTag }),
    scm,
    maps,
    log: correlationId === undefined ? log : log.child({ correlationId }),
    settings: config.integration,
    companies,
    ledger,
    queue,
    mapStates,
    ...(request?.callerGone === undefined ? {} : { callerGone: () => request.callerGone?.() === true }),
  });

  const replay = (dueOnly: boolean) => replayer.replay(servicesFor(undefined), { dueOnly });

  const webhook = async (
    request: HostRequest,
    plugins: ReadonlyMap<string, Plugin>,
    handlerName: string,
  ): Promise<HostResponse> => {
    // The key first: a caller without it learns nothing, not even which handlers exist.
    requireWebhookKey(request, config.webhookAuth);
    const plugin = plugins.get(handlerName);
    if (plugin === undefined) {
      throw new HttpError(
        404,
        "UNKNOWN_HANDLER",
        `No webhook handler '${handlerName}'; handlers: ${[...plugins.keys()].join(", ")}.`,
      );
    }
    requireJsonContentType(request);
    const context = parseExecutionContext(parseJsonBody(await request.readBody(limit), "RemoteExecutionContext"), {
      sizeExceeded: request.header(SIZE_EXCEEDED_HEADER) !== undefined,
    });
    const services = servicesFor(context.correlationId, request);
    services.log.info(
      `${plugin.name}: ${context.messageName} ${context.primaryEntityName} ${context.primaryEntityId}`,
      { depth: context.depth, stage: context.stage },
    );
    try {
      const result = await plugin.execute(context, services);
      services.log.info(`${plugin.name}: ${result.outcome}`, { detail: result.message });
      return jsonReply(statusOf(result), result);
    } catch (error) {
      const httpError = integrationHttpError(error);
      services.log[httpError.status >= 500 ? "error" : "warn"](`${plugin.name}: refused with ${httpError.status}`, {
        code: httpError.code,
        reason: httpError.message,
      });
      return errorReply(httpError);
    }
  };

  const scmEvent = scmEventsHandler({
    auth: config.scmEventsAuth,
    bodyLimitBytes: limit,
    rowIds: store.rowIds,
    maps,
    inbound,
    inventory,
    servicesFor,
    async rowsArrived() {
      // After the reply: the changes waiting for this row are ours to retry.
      if ((await queue.depth({ direction: "scm-to-fs" })) > 0) background.run(() => replay(false));
    },
  });

  const catchUp = async (mapNames?: readonly string[]): Promise<CatchUpSummary[]> => {
    const selected =
      mapNames === undefined || mapNames.length === 0
        ? maps.maps
        : mapNames.map((name) => {
            const map = maps.byName(name);
            if (map === undefined)
              throw new HttpError(
                404,
                "UNKNOWN_MAP",
                `There is no map '${name}'; maps: ${maps.maps.map((known) => known.name).join(", ")}.`,
              );
            return map;
          });
    const summaries = await catchUpFromScm(selected, inbound, servicesFor(undefined));
    if ((await queue.depth({ direction: "scm-to-fs" })) > 0) await replay(false);
    return summaries;
  };

  const scmCatchUp = async (request: HostRequest): Promise<HostResponse> => {
    requireWebhookKey(request, config.scmEventsAuth);
    const names = request.url.searchParams.getAll("map");
    return jsonReply(200, { maps: await catchUp(names) });
  };

  const validate = validationEndpoint({
    verifyBearer: rateLimited(
      createBearerVerifier(config.validationApi.bearer),
      new CallerRateLimiter(config.validationApi.rateLimit ?? DEFAULT_VALIDATION_RATE_LIMIT),
    ),
    cors: config.validationApi.cors,
    bodyLimitBytes: limit,
    dependencies: () => ({
      dataverse: dataverse.scoped({ tag: config.integration.echoTag }),
      scm: validationScm,
      maps,
      ...(config.integration.scmValidation === undefined ? {} : { scmValidation: config.integration.scmValidation }),
    }),
    log,
  });

  const noInventory = (): never => {
    throw new HttpError(404, "NOT_FOUND", "This host serves no inventory engine.");
  };

  // One handler per row of the route table; the table's methods are checked before the handler runs.
  const handlers: Record<
    RouteName,
    (request: HostRequest, params: Readonly<Record<string, string>>) => Promise<HostResponse>
  > = {
    webhooks: (request, params) => webhook(request, pluginsByRoute.webhooks, params.handler ?? ""),
    "inventory-webhooks": (request, params) =>
      webhook(request, pluginsByRoute["inventory-webhooks"], params.handler ?? ""),
    "scm-events": scmEvent,
    "scm-catch-up": scmCatchUp,
    validate,
    health: async () => jsonReply(200, { status: "ok", queueDepth: await queue.depth() }),
    probe: (request, params) => {
      const target = params.target;
      if (target !== "webhooks" && target !== "scm-events")
        throw new HttpError(404, "NOT_FOUND", `No resource at '${request.url.pathname}'.`);
      requireWebhookKey(request, target === "webhooks" ? config.webhookAuth : config.scmEventsAuth);
      return Promise.resolve(jsonReply(200, { status: "ok", key: "accepted" }));
    },
    "inventory-status": async (request) => {
      requireWebhookKey(request, config.webhookAuth);
      return jsonReply(200, { maps: await (inventory ?? noInventory()).batchStatus() });
    },
  };

  const route: HostHandler = async (request) => {
    const matched = matchRoute(request.url.pathname, prefix);
    if (matched === undefined) throw new HttpError(404, "NOT_FOUND", `No resource at '${request.url.pathname}'.`);
    // The validation API answers a wrong method itself, with CORS headers a browser page can read.
    if (matched.route.name !== "validate") requireMethod(request, matched.route.methods);
    return handlers[matched.route.name](request, matched.params);
  };

  const handle: HostHandler = (request) =>
    answer(
      route,
      request,
      (error) => {
        log.error("Unexpected failure", {
          reason: error instanceof Error ? (error.stack ?? error.message) : String(error),
        });
      },
      integrationHttpError,
    );

  const retryInterval = config.retryIntervalMs ?? DEFAULT_RETRY_INTERVAL_MS;
  // One timer replay at a time: while the other system is slow a replay outlasts the interval, and
  // a tick then has nothing to add (the running replay takes every due change in turn).
  let timerReplay: Promise<ReplaySummary | undefined> | undefined;
  const tick = (): void => {
    if (timerReplay !== undefined) {
      log.debug("Retry timer: the previous replay is still running; this tick is skipped");
      return;
    }
    const run = (async () => ((await queue.depth()) === 0 ? undefined : replay(true)))().finally(() => {
      timerReplay = undefined;
    });
    timerReplay = run;
    background.run(() => run);
  };
  const timer = retryInterval > 0 ? setInterval(tick, retryInterval) : undefined;
  timer?.unref();

  return {
    handle,
    listener: toRequestListener(handle),
    maps,
    queue,
    ledger,
    mapStates,
    replayQueue: () => replay(false),
    catchUp,
    whenIdle: () => background.idle(),
    async close() {
      if (timer !== undefined) clearInterval(timer);
      await background.idle();
      if (config.store === undefined) await store.close();
    },
  };
}

/** The caller is counted before any SCM work: by its token's subject, or by address when the token fails. */
function rateLimited(verify: BearerVerifier, limiter: CallerRateLimiter): BearerVerifier {
  return async (request) => {
    let caller: Awaited<ReturnType<BearerVerifier>>;
    try {
      caller = await verify(request);
    } catch (error) {
      await limiter.require(`address:${clientAddressOf(request)}`, "the validation API");
      throw error;
    }
    await limiter.require(`user:${caller.subject}`, "the validation API");
    return caller;
  };
}

function requireMethod(request: HostRequest, methods: readonly string[]): void {
  if (!methods.includes(request.method)) {
    const allowed = methods.join(", ");
    throw new HttpError(
      405,
      "METHOD_NOT_ALLOWED",
      `Method ${request.method} is not allowed here; use ${allowed}.`,
      undefined,
      { allow: allowed },
    );
  }
}
