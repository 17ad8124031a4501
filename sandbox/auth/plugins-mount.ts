/**
 * The `/plugins` mount of the sandbox: the plug-in host — every route of its route table
 * (`plugins-ts/host/routes.ts`: webhooks, SCM events, validation API, the inventory engine's
 * plug-ins and status) over one state store and one inventory engine — on the sandbox's one origin, with the sandbox's Microsoft Entra ID stand-in beside it on an https port of
 * its own (`sandbox/auth/entra`; MSAL accepts only https authorities). Once the server listens
 * (`onListening`), it wires the integration the way an administrator would in a real environment:
 * - starts the tenant, with the form scripts' SPA registration redirecting to this origin's
 *   `/WebResources/fsi_/auth/redirect.html`, and points the validation API at it;
 * - registers the webhook steps in the Dataverse emulator through the Web API (core's list: the
 *   five-table steps and the inventory steps, each handler at its own endpoint);
 * - registers the host's one SCM events entrance as SCM's data event endpoint for the mapped
 *   entities and the live inventory maps' (on-hand, projects), replacing the data event endpoints
 *   of an earlier run (the URL and key change with the port and the run). SCM sends them after
 *   commit, asynchronously (core/scm/data-events.ts).
 *
 * The host calls Dataverse with `SANDBOX_INTEGRATION_TOKEN`; for echo suppression the Dataverse
 * emulator must map it to `SANDBOX_INTEGRATION_USER` (options `users`/`tokens`) or copy the Web API
 * `tag` parameter into SharedVariables — see plugins-ts/README.md.
 */
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { Agent } from "node:https";
import { join } from "node:path";
import type { EmulatorUser } from "../dataverse";
import { DEFAULT_USER } from "../dataverse";
import { writeReply } from "@fsi/plugins/http-kit";
import { DEFAULT_WEBHOOK_KEY_HEADER } from "@fsi/plugins/http-kit/auth/webhook-key";
import { type PluginHost, createPluginHost } from "@fsi/plugins/host/plugin-host";
import { registerWebhookSteps } from "@fsi/plugins/registration/register-webhooks";
import { type WebhookHandlerName, type WebhookStepDefinition, integrationWebhookSteps } from "@fsi/core/registration";
import type { EntityMap } from "@fsi/core/maps/template-schema";
import { type InventoryEngine, createInventoryEngine } from "@fsi/plugins/inventory";
import { HOST_PREFIX, routeUrl } from "@fsi/plugins/host/routes";
import { openSqliteStateStore } from "@fsi/plugins/sync/sync-state";
import type { HostStateStore } from "@fsi/plugins/sync/state-store";
import { DataverseClient } from "@fsi/plugins/services/dataverse-client";
import { createLogger } from "@fsi/plugins/services/logger";
import type { Mount, MountFactory, SandboxContext } from "../server";
import { pluginsRouter } from "./plugins-router";
import {
  type EntraEmulator,
  type SelfSignedCertificate,
  SANDBOX_API,
  createSelfSignedCertificate,
  describeCertificate,
  sandboxDirectory,
  startEntraEmulator,
} from "./entra";

export const SANDBOX_INTEGRATION_USER: EmulatorUser = {
  id: "f5100000-0000-4000-8000-00000000f5f5",
  fullname: "FSI Integration",
  domainname: "fsi-integration@sandbox.local",
};
export const SANDBOX_INTEGRATION_TOKEN = "sandbox-integration";
export const SANDBOX_SCM_INTEGRATION_USER = "FSI-Integration";

export interface PluginsMountOptions {
  /** Token the host calls Dataverse with (mapped to the integration user by the Dataverse emulator). */
  readonly dataverseToken?: string;
  readonly integrationUserId?: string;
  /** Token a customiser registers the steps with; default none (the sandbox's default user). */
  readonly registrationToken?: string;
  /** Who can sign in to the sandbox's tenant; default the Dataverse emulator's default user. */
  readonly signedInUser?: EmulatorUser;
  /** The https port of the sandbox's Entra ID, from the sandbox's own port; default any free port. */
  readonly entraPort?: (sandboxPort: number) => number;
  /**
   * The steps to register; default the host's maps' steps and the inventory engine's
   * (the npm start wiring passes the solution's).
   */
  readonly steps?: (maps: readonly EntityMap[], inventory: InventoryEngine) => readonly WebhookStepDefinition[];
  /**
   * `set` (default): the service endpoints get the host's keys at every start (new keys per run).
   * `unset`: as in an org right after importing the solution — the endpoints carry no key (Dataverse
   * never exports one), for `fsi setup` to set; the host's keys are kept in the state folder
   * (`host-keys.json`, as Key Vault keeps a deployed host's) so a restart keeps what setup matched.
   */
  readonly endpointKeys?: "set" | "unset";
  /** The service endpoints' names (default `FSI <handler>`; the npm start wiring passes the solution's). */
  readonly endpointName?: (handler: WebhookHandlerName) => string;
}

/** The host's own keys (its FSI_WEBHOOK_KEY, FSI_WEBHOOK_KEY_NAME and FSI_SCM_EVENTS_KEY settings). */
export interface SandboxHostKeys {
  readonly webhookKey: string;
  readonly webhookKeyHeader: string;
  readonly scmEventsKey: string;
}

export interface PluginsMount extends Mount {
  /** Registers the steps and the SCM subscription once the sandbox's URL is known. */
  readonly onListening: (url: string) => Promise<void>;
  /** The running host (after `onListening`). */
  readonly host: () => PluginHost | undefined;
  /** The running inventory engine (after `onListening`). */
  readonly inventory: () => InventoryEngine | undefined;
  /** The sandbox's Entra ID (after `onListening`). */
  readonly entra: () => EntraEmulator | undefined;
  /** The host's keys (after `onListening`). */
  readonly keys: () => SandboxHostKeys | undefined;
}

const newKey = (): string => randomBytes(24).toString("base64url");

/** Keys for this run; with `unset` endpoint keys and a state folder, the ones kept there (created once). */
function hostKeys(stateDir: string | null, keep: boolean): SandboxHostKeys {
  const fresh = { webhookKey: newKey(), webhookKeyHeader: DEFAULT_WEBHOOK_KEY_HEADER, scmEventsKey: newKey() };
  if (!keep || stateDir === null) return fresh;
  const path = join(stateDir, "host-keys.json");
  if (existsSync(path)) return JSON.parse(readFileSync(path, "utf8")) as SandboxHostKeys;
  writeFileSync(path, `${JSON.stringify(fresh, null, 2)}\n`, { mode: 0o600 });
  return fresh;
}

/**
 * The tenant's TLS certificate, kept in the state folder so a browser that was told to trust it
 * once keeps trusting it across restarts; a new one per run in memory.
 */
async function entraTlsCertificate(stateDir: string | null): Promise<SelfSignedCertificate> {
  const request = { commonName: "127.0.0.1", altNames: ["IP:127.0.0.1", "DNS:localhost"], days: 365 };
  if (stateDir === null) return createSelfSignedCertificate(request);
  const keyPath = join(stateDir, "entra-tls-key.pem");
  const certificatePath = join(stateDir, "entra-tls-cert.pem");
  if (existsSync(keyPath) && existsSync(certificatePath))
    return describeCertificate(readFileSync(keyPath, "utf8"), readFileSync(certificatePath, "utf8"));
  const created = await createSelfSignedCertificate(request);
  writeFileSync(keyPath, created.keyPem, { mode: 0o600 });
  writeFileSync(certificatePath, created.certificatePem);
  return created;
}

const STARTING = {
  status: 503,
  json: { error: { code: "STARTING", message: "The plug-in host is starting; try again in a moment." } },
  headers: { "retry-after": "1" },
};

export function createPluginsMount(
  options: PluginsMountOptions = {},
): (context: SandboxContext) => Promise<PluginsMount> {
  return (context: SandboxContext): Promise<PluginsMount> => {
    const user = options.signedInUser ?? DEFAULT_USER;
    let entra: EntraEmulator | undefined;
    let host: PluginHost | undefined;
    let inventory: InventoryEngine | undefined;
    let store: HostStateStore | undefined;
    let router: ReturnType<typeof pluginsRouter> | undefined;
    let keys: SandboxHostKeys | undefined;
    const endpointKeys = options.endpointKeys ?? "set";
    return Promise.resolve({
      prefix: HOST_PREFIX,
      keys: () => keys,
      host: () => host,
      inventory: () => inventory,
      entra: () => entra,
      handle: async (req, res) => {
        if (router === undefined) writeReply(res, STARTING);
        else await router.dispatch(req, res);
      },
      close: async () => {
        await host?.close();
        await inventory?.close();
        await store?.close();
        await entra?.close();
      },
      tryPaths: [routeUrl("", "health")],
      onListening: async (url) => {
        entra = await startEntraEmulator({
          directory: sandboxDirectory({ organizationUrl: url, users: [user] }),
          tlsCertificate: await entraTlsCertificate(context.stateDir),
          ...(options.entraPort === undefined
            ? {}
            : { port: options.entraPort(context.requestedPort === 0 ? 0 : Number(new URL(url).port)) }),
        });
        context.log(
          `Entra ID (sandbox): ${entra.authority} — a browser must trust its self-signed certificate (see sandbox/README.md)`,
        );
        // With keys set, they live as long as this run: every start re-registers the endpoints with new ones.
        keys = hostKeys(context.stateDir, endpointKeys === "unset");
        const { webhookKey, scmEventsKey } = keys;
        const dataverseToken = options.dataverseToken ?? SANDBOX_INTEGRATION_TOKEN;
        const webhookAuth = { kind: "HttpHeader", headerName: keys.webhookKeyHeader, key: webhookKey } as const;
        const scmEventsAuth = { kind: "WebhookKey", key: scmEventsKey } as const;
        const log = createLogger((entry) => {
          context.log(`plugins: ${JSON.stringify(entry)}`);
        }, "warn");
        // One state store for the host and its inventory engine (SQLite: the sync's file and the engine's).
        store = openSqliteStateStore({
          path: context.stateDir === null ? ":memory:" : join(context.stateDir, "plugins.sqlite"),
          inventoryPath: context.stateDir === null ? ":memory:" : join(context.stateDir, "inventory.sqlite"),
        });
        inventory = createInventoryEngine({
          dataverse: { url, accessToken: () => Promise.resolve(dataverseToken) },
          scm: { url: `${url}/scm` },
          integration: {
            integrationUserId: options.integrationUserId ?? SANDBOX_INTEGRATION_USER.id,
            scmIntegrationUser: SANDBOX_SCM_INTEGRATION_USER,
            echoTag: "fsi-integration",
          },
          store: store.inventory,
          log,
        });
        host = createPluginHost({
          dataverse: { url, accessToken: () => Promise.resolve(dataverseToken) },
          scm: { url: `${url}/scm`, integrationUser: SANDBOX_SCM_INTEGRATION_USER },
          integration: {
            integrationUserId: options.integrationUserId ?? SANDBOX_INTEGRATION_USER.id,
            scmIntegrationUser: SANDBOX_SCM_INTEGRATION_USER,
            echoTag: "fsi-integration",
            scmUnavailablePolicy: "fail-closed",
            scmValidation: sandboxScmValidation(),
          },
          webhookAuth,
          scmEventsAuth,
          validationApi: {
            bearer: {
              issuer: entra.issuer,
              audience: SANDBOX_API.clientId,
              tenantId: entra.directory.tenantId,
              requiredScope: SANDBOX_API.scopes[0],
              jwks: { url: entra.jwksUri, agent: new Agent({ ca: entra.tlsCertificate.certificatePem }) },
            },
            cors: { allowedOrigins: [url] },
          },
          store,
          inventory,
          log,
        });
        inventory.startSchedule();
        router = pluginsRouter({ host });
        const customiser = new DataverseClient({
          url,
          accessToken: () => Promise.resolve(options.registrationToken ?? "sandbox-customiser"),
        });
        const steps = options.steps ?? ((maps, engine) => [...integrationWebhookSteps(maps), ...engine.webhookSteps()]);
        await registerWebhookSteps(customiser, {
          hostUrl: url,
          ...(endpointKeys === "set" ? { auth: webhookAuth } : {}),
          ...(options.endpointName === undefined ? {} : { endpointName: options.endpointName }),
          steps: steps(host.maps.maps, inventory),
        });
        await replaceScmEventEndpoint(`${url}/scm`, {
          url: `${routeUrl(url, "scm-events")}?code=${scmEventsKey}`,
          entities: [...host.maps.maps.map((map) => map.scmCollection), ...inventory.scmSubscriptionCollections()],
        });
      },
    });
  };
}

/** The `/plugins` mount with the sandbox's defaults. */
export const pluginsMount: MountFactory = createPluginsMount();

interface ScmEventEndpoint {
  readonly url: string;
  readonly entities: readonly string[];
}

/**
 * Replaces SCM's data event endpoints that point into the host (an earlier run's, whose URL and
 * key differ, or an older layout's path) with `endpoint`, activated for its collections only: the
 * two-way maps' entities and the live inventory maps'. Events go out after SCM commits; the host
 * cannot refuse a change.
 */
async function replaceScmEventEndpoint(scmUrl: string, endpoint: ScmEventEndpoint): Promise<void> {
  const listed = await fetch(`${scmUrl}/admin/event-endpoints`);
  const { value } = (await listed.json()) as { value: { id: string; url: string }[] };
  const path = new URL(endpoint.url).pathname;
  const intoHost = (url: string): boolean => new URL(url).pathname.startsWith(`${HOST_PREFIX}/`);
  for (const existing of value.filter((candidate) => intoHost(candidate.url))) {
    await fetch(`${scmUrl}/admin/event-endpoints/${encodeURIComponent(existing.id)}`, { method: "DELETE" });
  }
  if (endpoint.entities.length === 0) return;
  const created = await fetch(`${scmUrl}/admin/event-endpoints`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(endpoint),
  });
  if (created.status !== 201)
    throw new Error(`Registering ${path} for SCM's data events failed: ${created.status} ${await created.text()}`);
}

/** `FSI_SCM_VALIDATION=custom-service` switches the sandbox to the optional custom service (SCM then serves it too). */
export function sandboxScmValidation(): "changeset" | "custom-service" {
  return process.env.FSI_SCM_VALIDATION === "custom-service" ? "custom-service" : "changeset";
}
