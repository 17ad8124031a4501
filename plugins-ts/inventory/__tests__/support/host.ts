/**
 * The plug-in host serving an inventory engine, as every entry builds it (one host, one route
 * table), for tests that need only the inventory side: the two-way maps' part is configured but
 * idle (no retry timer, a validation API no token can pass: its key set is empty).
 */
import type { WebhookAuth } from "../../../http-kit/auth/webhook-key";
import { type PluginHost, createPluginHost } from "../../../host/plugin-host";
import type { Logger } from "../../../services/logger";
import type { InventoryEngine } from "../../engine";

export interface InventoryHostOptions {
  readonly dataverseUrl: string;
  readonly dataverseToken: string;
  readonly scmUrl: string;
  readonly integrationUserId: string;
  readonly scmIntegrationUser: string;
  readonly webhookAuth: WebhookAuth;
  readonly scmEventsAuth: WebhookAuth;
  readonly log: Logger;
  readonly bodyLimitBytes?: number;
}

export function hostServing(engine: InventoryEngine, options: InventoryHostOptions): PluginHost {
  return createPluginHost({
    dataverse: { url: options.dataverseUrl, accessToken: () => Promise.resolve(options.dataverseToken) },
    scm: { url: options.scmUrl, integrationUser: options.scmIntegrationUser, timeoutMs: 10_000, retryDelayMs: 10 },
    integration: {
      integrationUserId: options.integrationUserId,
      scmIntegrationUser: options.scmIntegrationUser,
      echoTag: "fsi-integration",
      scmUnavailablePolicy: "fail-closed",
    },
    webhookAuth: options.webhookAuth,
    scmEventsAuth: options.scmEventsAuth,
    validationApi: {
      bearer: {
        issuer: "urn:fsi:inventory-tests",
        audience: "api://fsi-inventory-tests",
        jwks: { keys: { keys: [] } },
      },
      cors: { allowedOrigins: [] },
    },
    ...(options.bodyLimitBytes === undefined ? {} : { bodyLimitBytes: options.bodyLimitBytes }),
    inventory: engine,
    retryIntervalMs: 0,
    log: options.log,
  });
}
