/**
 * The `/plugins` mount of the sandbox: the plug-in host (webhooks, SCM events, validation API), the
 * inventory engine's host (`/plugins/inventory`: on-hand, adjustments, transfers, projects) and the
 * local token issuer, on the sandbox's one origin. Once the server listens (`onListening`), it
 * wires the integration the way an administrator would in a real environment:
 * - registers the webhook steps in the Dataverse emulator through the Web API (core's list: the
 *   five-table steps and the inventory steps, each handler at its own endpoint);
 * - registers the plug-in host as SCM's data event endpoint for the mapped entities, and the
 *   inventory host for the live inventory maps (on-hand, projects), replacing the data event
 *   endpoints of an earlier run (the URL and key change with the port and the run). SCM sends
 *   them after commit, asynchronously (core/scm/data-events.ts).
 *
 * The host calls Dataverse with `SANDBOX_INTEGRATION_TOKEN`; for echo suppression the Dataverse
 * emulator must map it to `SANDBOX_INTEGRATION_USER` (options `users`/`tokens`) or copy the Web API
 * `tag` parameter into SharedVariables — see plugins-ts/README.md.
 */
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import type { EmulatorUser } from "../dataverse";
import { DEFAULT_USER } from "../dataverse";
import { writeReply } from "../../plugins-ts/host/http";
import { type PluginHost, createPluginHost } from "../../plugins-ts/host/plugin-host";
import { registerWebhookSteps } from "../../plugins-ts/registration/register-webhooks";
import { type WebhookStepDefinition, integrationWebhookSteps } from "../../core/registration";
import type { EntityMap } from "../../core/maps/template-schema";
import { type InventoryEngine, createInventoryEngine, createInventoryHost, inventoryEventsUrl } from "../../plugins-ts/inventory";
import { DataverseClient } from "../../plugins-ts/services/dataverse-client";
import { createLogger } from "../../plugins-ts/services/logger";
import type { Mount, MountFactory, SandboxContext } from "../server";
import { pluginsRouter } from "./plugins-router";
import { createLocalTokenIssuer } from "./token-issuer";

export const SANDBOX_INTEGRATION_USER: EmulatorUser = {
  id: "f5100000-0000-4000-8000-00000000f5f5",
  fullname: "FSI Integration",
  domainname: "fsi-integration@sandbox.local",
};
export const SANDBOX_INTEGRATION_TOKEN = "sandbox-integration";
export const SANDBOX_SCM_INTEGRATION_USER = "FSI-Integration";
export const SANDBOX_TOKEN_ISSUER = "urn:fsi:sandbox";
export const SANDBOX_VALIDATION_AUDIENCE = "api://fsi-validation";

export interface PluginsMountOptions {
  /** Token the host calls Dataverse with (mapped to the integration user by the Dataverse emulator). */
  readonly dataverseToken?: string;
  readonly integrationUserId?: string;
  /** Token a customiser registers the steps with; default none (the sandbox's default user). */
  readonly registrationToken?: string;
  /** Who `/plugins/token` issues tokens for; default the Dataverse emulator's default user. */
  readonly signedInUser?: EmulatorUser;
  /**
   * The steps to register; default the host's maps' steps and the inventory engine's
   * (the npm start wiring passes the solution's).
   */
  readonly steps?: (maps: readonly EntityMap[], inventory: InventoryEngine) => readonly WebhookStepDefinition[];
}

export interface PluginsMount extends Mount {
  /** Registers the steps and the SCM subscription once the sandbox's URL is known. */
  readonly onListening: (url: string) => Promise<void>;
  /** The running host (after `onListening`). */
  readonly host: () => PluginHost | undefined;
  /** The running inventory engine (after `onListening`). */
  readonly inventory: () => InventoryEngine | undefined;
}

const STARTING = { status: 503, json: { error: { code: "STARTING", message: "The plug-in host is starting; try again in a moment." } }, headers: { "retry-after": "1" } };

export function createPluginsMount(options: PluginsMountOptions = {}): (context: SandboxContext) => Promise<PluginsMount> {
  return async (context: SandboxContext): Promise<PluginsMount> => {
    const issuer = await createLocalTokenIssuer({ issuer: SANDBOX_TOKEN_ISSUER, audience: SANDBOX_VALIDATION_AUDIENCE });
    const user = options.signedInUser ?? DEFAULT_USER;
    let host: PluginHost | undefined;
    let inventory: InventoryEngine | undefined;
    let router: ReturnType<typeof pluginsRouter> | undefined;
    return {
      prefix: "/plugins",
      host: () => host,
      inventory: () => inventory,
      handle: async (req, res) => {
        if (router === undefined) writeReply(res, STARTING);
        else await router.dispatch(req, res);
      },
      close: async () => {
        await host?.close();
        await inventory?.close();
      },
      tryPaths: ["/plugins/health", "/plugins/token", "/plugins/.well-known/jwks.json"],
      onListening: async (url) => {
        // Keys live as long as this run: every start re-registers the endpoints with new ones.
        const webhookKey = randomBytes(24).toString("base64url");
        const scmEventsKey = randomBytes(24).toString("base64url");
        const dataverseToken = options.dataverseToken ?? SANDBOX_INTEGRATION_TOKEN;
        const webhookAuth = { kind: "HttpHeader", headerName: "x-fsi-webhook-key", key: webhookKey } as const;
        const scmEventsAuth = { kind: "WebhookKey", key: scmEventsKey } as const;
        const log = createLogger((entry) => {
          context.log(`plugins: ${JSON.stringify(entry)}`);
        }, "warn");
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
            bearer: { issuer: SANDBOX_TOKEN_ISSUER, audience: SANDBOX_VALIDATION_AUDIENCE, jwks: { keys: issuer.jwks } },
            cors: { allowedOrigins: [url] },
          },
          statePath: context.stateDir === null ? ":memory:" : join(context.stateDir, "plugins.sqlite"),
          log,
        });
        inventory = createInventoryEngine({
          dataverse: { url, accessToken: () => Promise.resolve(dataverseToken) },
          scm: { url: `${url}/scm` },
          integration: { integrationUserId: options.integrationUserId ?? SANDBOX_INTEGRATION_USER.id, scmIntegrationUser: SANDBOX_SCM_INTEGRATION_USER, echoTag: "fsi-integration" },
          statePath: context.stateDir === null ? ":memory:" : join(context.stateDir, "inventory.sqlite"),
          log,
        });
        inventory.startSchedule();
        const inventoryHost = createInventoryHost(inventory, { webhookAuth, scmEventsAuth, log });
        router = pluginsRouter({ host, inventory: inventoryHost, issuer, signedInUser: () => ({ id: user.id, name: user.fullname }) });
        const customiser = new DataverseClient({ url, accessToken: () => Promise.resolve(options.registrationToken ?? "sandbox-customiser") });
        const steps = options.steps ?? ((maps, engine) => [...integrationWebhookSteps(maps), ...engine.webhookSteps()]);
        await registerWebhookSteps(customiser, { hostUrl: url, auth: webhookAuth, steps: steps(host.maps.maps, inventory) });
        await replaceScmEventEndpoints(`${url}/scm`, [
          { url: `${url}/plugins/scm-events?code=${scmEventsKey}`, entities: host.maps.maps.map((map) => map.scmCollection) },
          { url: `${inventoryEventsUrl(url)}?code=${scmEventsKey}`, entities: inventory.scmSubscriptionCollections() },
        ]);
      },
    };
  };
}

/** The `/plugins` mount with the sandbox's defaults. */
export const pluginsMount: MountFactory = createPluginsMount();

interface ScmEventEndpoint {
  readonly url: string;
  readonly entities: readonly string[];
}

/**
 * Replaces SCM's data event endpoints that point at this origin's receivers with `endpoints`, each
 * activated for its collections only: the plug-in host hears of the mapped entities, the inventory
 * host of inventory and projects. Events go out after SCM commits; neither can refuse a change.
 */
async function replaceScmEventEndpoints(scmUrl: string, endpoints: readonly ScmEventEndpoint[]): Promise<void> {
  const listed = await fetch(`${scmUrl}/admin/event-endpoints`);
  const { value } = (await listed.json()) as { value: { id: string; url: string }[] };
  const paths = new Set(endpoints.map((endpoint) => new URL(endpoint.url).pathname));
  for (const existing of value.filter((candidate) => paths.has(new URL(candidate.url).pathname))) {
    await fetch(`${scmUrl}/admin/event-endpoints/${encodeURIComponent(existing.id)}`, { method: "DELETE" });
  }
  for (const endpoint of endpoints.filter((candidate) => candidate.entities.length > 0)) {
    const created = await fetch(`${scmUrl}/admin/event-endpoints`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(endpoint),
    });
    if (created.status !== 201) throw new Error(`Registering ${new URL(endpoint.url).pathname} for SCM's data events failed: ${created.status} ${await created.text()}`);
  }
}

/** `FSI_SCM_VALIDATION=custom-service` switches the sandbox to the optional custom service (SCM then serves it too). */
export function sandboxScmValidation(): "changeset" | "custom-service" {
  return process.env.FSI_SCM_VALIDATION === "custom-service" ? "custom-service" : "changeset";
}
