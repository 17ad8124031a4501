/**
 * Starts the real parts on port 0 for the integration tests: the SCM emulator, the Dataverse
 * emulator (with the integration's webhook steps registered as rows, as a solution import does),
 * the plug-in host, the sandbox's Entra ID stand-in (https, its own port), and SCM's data event
 * endpoint `/plugins/scm-events` (events after commit, asynchronously). Tests talk to all of them over HTTP. (Test code may start the sandbox's
 * emulators; product code never imports the sandbox.)
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { Agent } from "node:https";
import { fsiIntegrationRole, rolePrivileges } from "@fsi/solution/components/security-roles";
import { pluginsRouter } from "@fsi/sandbox/auth";
import {
  type EntraEmulator,
  type TokenForge,
  sandboxDirectory,
  startEntraEmulator,
  tokenForge,
} from "@fsi/sandbox/auth/entra";
import { type DataverseServer, startDataverseServer } from "@fsi/sandbox/dataverse";
import { type Router, closeServer, listen } from "@fsi/sandbox/http";
import { createScmEmulator, type ScmEmulator, type ScmEmulatorOptions } from "@fsi/sandbox/scm";
import type { MapModes } from "@fsi/core/maps/map-modes";
import { type PluginHost, createPluginHost } from "../../host/plugin-host";
import type { HostStateStore } from "../../sync/state-store";
import type { IntegrationSettings } from "../../integration/settings";
import type { RetryBackoff } from "../../sync/change-queue";
import type { RateLimit } from "../../http-kit/rate-limit";
import { type LogEntry, createLogger, memorySink } from "../../services/logger";
import { registerWebhookSteps } from "../../registration/register-webhooks";
import { type WebhookHandlerName, integrationWebhookSteps } from "@fsi/core/registration";
import { DataverseClient } from "../../services/dataverse-client";

export const ADMIN = {
  id: "a0000000-0000-4000-8000-000000000001",
  fullname: "Dana Admin",
  domainname: "dana@contoso.test",
};
export const INTEGRATION = {
  id: "a0000000-0000-4000-8000-0000000000f5",
  fullname: "FSI Integration",
  domainname: "fsi@contoso.test",
};
export const ADMIN_TOKEN = "admin-token";
export const INTEGRATION_TOKEN = "integration-token";
export const WEBHOOK_KEY = "webhook-key-0123456789abcdef";
export const SCM_EVENTS_KEY = "scm-events-key-0123456789abcdef";
export const ALLOWED_ORIGIN = "https://contoso.crm.dynamics.com";

export interface EnvironmentOptions {
  readonly scmUnavailablePolicy?: IntegrationSettings["scmUnavailablePolicy"];
  /** SCM as the host sees it (a proxy in front of the emulator); default the emulator itself. */
  readonly scmUrlForHost?: (scmUrl: string) => string | Promise<string>;
  readonly bodyLimitBytes?: number;
  /** Put a recording proxy between Dataverse and the host's webhooks. */
  readonly recordWebhooks?: boolean;
  /** Who syncs each map here (default every map `fsi`). */
  readonly mapModes?: MapModes;
  /** Dataverse trims webhook contexts above this size (256 KB); a test lowers it to trim an ordinary row's. */
  readonly webhookPayloadLimitBytes?: number;
  /** Where Dataverse's service endpoints point (another entry in front of the host); default the host. */
  readonly webhookOriginFor?: (hostUrl: string, host: PluginHost) => string | Promise<string>;
  /** More routes on the host's server (a benchmark's baseline endpoint). */
  readonly extendRouter?: (router: Router) => void;
  /** The host's SQLite state file (the sync CLI opens the same one); default `:memory:`. */
  readonly statePath?: string;
  /** The host's state store instead of `statePath` (an Azure Storage one); the test closes it. */
  readonly store?: HostStateStore;
  /** The host's SCM timeout per attempt (webhooks; default 5 s) and the validation API's (default the host's 4 s). */
  readonly scmTimeoutMs?: number;
  readonly validationScmTimeoutMs?: number;
  /** The validation API's rate limit; default high enough that only the rate-limit tests meet it. */
  readonly validationRateLimit?: RateLimit;
  /** The host's retry timer (default off) and the backoff of its queued changes (default 5 s → 15 min). */
  readonly retryIntervalMs?: number;
  readonly retryBackoff?: RetryBackoff;
  /** Attempts of a change waiting for a missing row before it becomes an error (default the host's). */
  readonly dependencyAttempts?: number;
  /** More options of the SCM emulator (its delivery retry policy, the custom validation service, throttling). */
  readonly scmOptions?: Pick<ScmEmulatorOptions, "retry" | "validationService" | "throttling">;
  /** How the host asks SCM to validate (default the changeset path). */
  readonly scmValidation?: IntegrationSettings["scmValidation"];
  /** The host's map override file (FSI_MAP_OVERRIDE_PATH); default the built-in maps. */
  readonly mapOverridePath?: string;
  /** The host as SCM's subscription sees it (a proxy in front of the host); default the host itself. */
  readonly hostUrlForScm?: (hostUrl: string) => string | Promise<string>;
}

export interface RecordedWebhook {
  readonly handler: string;
  readonly headers: Record<string, string>;
  readonly body: string;
}

export interface Environment {
  readonly scm: ScmEmulator;
  /** `http://127.0.0.1:<port>/scm` */
  readonly scmUrl: string;
  readonly dataverse: DataverseServer;
  readonly host: PluginHost;
  /** The origin serving `/plugins/...`. */
  readonly hostUrl: string;
  /** The tenant the validation API trusts: its issuer, audience, keys, and tokens for tests. */
  readonly issuer: TokenForge;
  /** The tenant itself (https on its own port), its SPA registration redirecting to ALLOWED_ORIGIN. */
  readonly entra: EntraEmulator;
  readonly logs: LogEntry[];
  readonly stepIds: Readonly<Partial<Record<WebhookHandlerName, readonly string[]>>>;
  readonly webhooks: RecordedWebhook[];
  readonly companyId: string;
  close(): Promise<void>;
}

/** What the recording proxy passes on: the body's type, the key, and Dataverse's size-exceeded signal. */
function forwardedHeaders(headers: Readonly<Record<string, string>>): Record<string, string> {
  const forwarded: Record<string, string> = {
    "content-type": "application/json",
    "x-fsi-webhook-key": headers["x-fsi-webhook-key"] ?? "",
  };
  const trimmed = headers["x-ms-dynamics-msg-size-exceeded"];
  if (trimmed !== undefined) forwarded["x-ms-dynamics-msg-size-exceeded"] = trimmed;
  return forwarded;
}

function server(listener: (req: IncomingMessage, res: ServerResponse) => void): Server {
  return createServer(listener);
}

export async function startEnvironment(options: EnvironmentOptions = {}): Promise<Environment> {
  const scm = createScmEmulator({
    seed: false,
    retry: { baseDelayMs: 20, maxDelayMs: 200, timeoutMs: 10_000 },
    ...options.scmOptions,
  });
  const scmServer = server((req, res) => void scm.handle(req, res));
  const scmOrigin = await listen(scmServer, 0);
  const scmUrl = `${scmOrigin}/scm`;

  const dataverse = await startDataverseServer({
    users: [ADMIN, INTEGRATION],
    tokens: { [ADMIN_TOKEN]: ADMIN.id, [INTEGRATION_TOKEN]: INTEGRATION.id },
    // The host's application user holds the solution's FSI Integration role, and only it.
    privileges: { [INTEGRATION.id]: rolePrivileges(fsiIntegrationRole) },
    ...(options.webhookPayloadLimitBytes === undefined
      ? {}
      : { webhookPayloadLimitBytes: options.webhookPayloadLimitBytes }),
  });

  const sink = memorySink();
  const entra = await startEntraEmulator({
    directory: sandboxDirectory({ organizationUrl: ALLOWED_ORIGIN, users: [ADMIN, INTEGRATION] }),
  });
  const issuer = tokenForge(entra);
  // The host needs its own URL (for the JWKS), so the server listens before the host exists.
  const routing: { router?: Router } = {};
  const hostServer = server((req, res) => {
    if (routing.router === undefined) res.writeHead(503).end();
    else void routing.router.dispatch(req, res);
  });
  const hostUrl = await listen(hostServer, 0);
  const scmUrlForHost = options.scmUrlForHost === undefined ? scmUrl : await options.scmUrlForHost(scmUrl);
  const host = createPluginHost({
    dataverse: { url: dataverse.url, accessToken: () => Promise.resolve(INTEGRATION_TOKEN) },
    scm: {
      url: scmUrlForHost,
      integrationUser: "FSI-Integration",
      timeoutMs: options.scmTimeoutMs ?? 5_000,
      retryDelayMs: 10,
    },
    integration: {
      integrationUserId: INTEGRATION.id,
      scmIntegrationUser: "FSI-Integration",
      echoTag: "fsi-integration",
      scmUnavailablePolicy: options.scmUnavailablePolicy ?? "fail-closed",
      ...(options.scmValidation === undefined ? {} : { scmValidation: options.scmValidation }),
      ...(options.mapModes === undefined ? {} : { mapModes: options.mapModes }),
    },
    ...(options.mapOverridePath === undefined ? {} : { mapOverridePath: options.mapOverridePath }),
    webhookAuth: { kind: "HttpHeader", headerName: "x-fsi-webhook-key", key: WEBHOOK_KEY },
    scmEventsAuth: { kind: "WebhookKey", key: SCM_EVENTS_KEY },
    validationApi: {
      bearer: {
        issuer: issuer.issuer,
        audience: issuer.audience,
        tenantId: issuer.tenantId,
        requiredScope: issuer.requiredScope,
        jwks: { url: entra.jwksUri, agent: new Agent({ ca: entra.tlsCertificate.certificatePem }) },
        jwksCooldownSeconds: 0,
      },
      cors: { allowedOrigins: [ALLOWED_ORIGIN] },
      ...(options.validationScmTimeoutMs === undefined ? {} : { scmTimeoutMs: options.validationScmTimeoutMs }),
      rateLimit: options.validationRateLimit ?? { requests: 1_000_000, perSeconds: 60 },
    },
    retryIntervalMs: options.retryIntervalMs ?? 0,
    ...(options.retryBackoff === undefined ? {} : { retryBackoff: options.retryBackoff }),
    ...(options.dependencyAttempts === undefined ? {} : { dependencyAttempts: options.dependencyAttempts }),
    log: createLogger(sink, "debug"),
    ...(options.bodyLimitBytes === undefined ? {} : { bodyLimitBytes: options.bodyLimitBytes }),
    ...(options.statePath === undefined ? {} : { statePath: options.statePath }),
    ...(options.store === undefined ? {} : { store: options.store }),
  });
  const router = pluginsRouter({ host });
  options.extendRouter?.(router);
  routing.router = router;

  // Optionally record what Dataverse posts, then forward it unchanged.
  const webhooks: RecordedWebhook[] = [];
  let webhookOrigin = hostUrl;
  let recorder: Server | undefined;
  if (options.recordWebhooks === true) {
    recorder = server((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        const body = Buffer.concat(chunks).toString("utf8");
        const headers = Object.fromEntries(
          Object.entries(req.headers).map(([name, value]) => [
            name,
            Array.isArray(value) ? value.join(", ") : (value ?? ""),
          ]),
        );
        webhooks.push({ handler: (req.url ?? "").split("/").pop() ?? "", headers, body });
        void fetch(`${hostUrl}${req.url ?? ""}`, { method: "POST", headers: forwardedHeaders(headers), body }).then(
          async (reply) => {
            res.writeHead(reply.status, { "content-type": "application/json" }).end(await reply.text());
          },
        );
      });
    });
    webhookOrigin = await listen(recorder, 0);
  }
  if (options.webhookOriginFor !== undefined) webhookOrigin = await options.webhookOriginFor(hostUrl, host);

  // Registered through the Web API by a customiser, as a deployment would.
  const { stepIds } = await registerWebhookSteps(
    new DataverseClient({ url: dataverse.url, accessToken: () => Promise.resolve(ADMIN_TOKEN) }),
    {
      hostUrl: webhookOrigin,
      auth: { kind: "HttpHeader", headerName: "x-fsi-webhook-key", key: WEBHOOK_KEY },
      steps: integrationWebhookSteps(host.maps.maps),
    },
  );

  const subscribed = await fetch(`${scmUrl}/admin/event-endpoints`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      url: `${options.hostUrlForScm === undefined ? hostUrl : await options.hostUrlForScm(hostUrl)}/plugins/scm-events?code=${SCM_EVENTS_KEY}`,
      entities: host.maps.maps.map((map) => map.scmCollection),
    }),
  });
  if (subscribed.status !== 201)
    throw new Error(`SCM data event endpoint failed: ${subscribed.status} ${await subscribed.text()}`);

  const company = await dataverseRequest(dataverse.url, "POST", "cdm_companies", {
    cdm_name: "Contoso USA",
    cdm_companycode: "usmf",
  });
  const companyId = /\(([0-9a-f-]{36})\)/.exec(company.headers.get("odata-entityid") ?? "")?.[1];
  if (company.status !== 204 || companyId === undefined) throw new Error(`company create failed: ${company.status}`);

  const environment: Environment = {
    scm,
    scmUrl,
    dataverse,
    host,
    hostUrl,
    issuer,
    entra,
    logs: sink.entries,
    stepIds,
    webhooks,
    companyId,
    async close() {
      await host.close();
      await closeServer(hostServer);
      if (recorder !== undefined) await closeServer(recorder);
      await dataverse.close();
      await closeServer(scmServer);
      await scm.close();
      await entra.close();
    },
  };
  return environment;
}

export interface Reply {
  readonly status: number;
  readonly headers: Headers;
  readonly json: unknown;
}

async function reply(response: Response): Promise<Reply> {
  const text = await response.text();
  let json: unknown = undefined;
  if (text !== "") {
    try {
      json = JSON.parse(text) as unknown;
    } catch {
      json = text;
    }
  }
  return { status: response.status, headers: response.headers, json };
}

/** A Dataverse Web API call as a user (admin by default). */
export async function dataverseRequest(
  origin: string,
  method: string,
  path: string,
  body?: unknown,
  token = ADMIN_TOKEN,
  headers: Record<string, string> = {},
): Promise<Reply> {
  return reply(
    await fetch(`${origin}/api/data/v9.2/${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        accept: "application/json",
        ...(body === undefined ? {} : { "content-type": "application/json" }),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    }),
  );
}

/** An SCM OData call, as a person in SCM would make it. */
export async function scmRequest(scmUrl: string, method: string, path: string, body?: unknown): Promise<Reply> {
  return reply(
    await fetch(`${scmUrl}/data/${path}`, {
      method,
      headers: { accept: "application/json", ...(body === undefined ? {} : { "content-type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    }),
  );
}

export async function httpRequest(url: string, init: RequestInit = {}): Promise<Reply> {
  return reply(await fetch(url, init));
}

/** The Dataverse row of a table by natural key, or undefined. */
export async function dataverseRowByKey(
  env: Environment,
  entitySet: string,
  filter: string,
): Promise<Record<string, unknown> | undefined> {
  const found = await dataverseRequest(env.dataverse.url, "GET", `${entitySet}?$filter=${encodeURIComponent(filter)}`);
  if (found.status !== 200) throw new Error(`query failed: ${found.status} ${JSON.stringify(found.json)}`);
  return (found.json as { value: Record<string, unknown>[] }).value[0];
}

export function guidFromEntityId(headers: Headers): string {
  const id = /\(([0-9a-f-]{36})\)/.exec(headers.get("odata-entityid") ?? "")?.[1];
  if (id === undefined) throw new Error("no OData-EntityId");
  return id;
}

/**
 * Waits until SCM has delivered every data event it raised (its outbox is empty: a row leaves it
 * only after the endpoint's 2xx, so the host has handled it) and the host and Dataverse are idle.
 * Data events arrive after SCM's write returns: tests settle before they look at Field Service.
 */
export async function settle(
  env: Pick<Environment, "scmUrl" | "host" | "dataverse">,
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  // Deliveries held on purpose (the `hold` switch) are not waited for.
  const delivery = (await (await fetch(`${env.scmUrl}/admin/event-delivery`)).json()) as { hold?: boolean };
  for (; delivery.hold !== true; ) {
    await env.dataverse.emulator.idle();
    const outbox = (await (await fetch(`${env.scmUrl}/admin/outbox`)).json()) as { value: { attempts: number }[] };
    // Done when everything is delivered — or when what is left is failing and being retried (a
    // fault the test set up): that waits for the heal.
    if (outbox.value.every((entry) => entry.attempts > 0)) break;
    if (Date.now() > deadline)
      throw new Error(
        `SCM still has ${outbox.value.length} undelivered data events: ${JSON.stringify(outbox.value).slice(0, 500)}`,
      );
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  await env.host.whenIdle();
  await env.dataverse.emulator.idle();
}
