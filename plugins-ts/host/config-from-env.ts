/**
 * The host's configuration from environment variables (Azure Functions app settings, or a shell),
 * validated with zod; a bad or missing setting stops the host with every problem named.
 *
 * | variable | meaning |
 * |---|---|
 * | `FSI_DATAVERSE_URL` | organization URL |
 * | `FSI_DATAVERSE_TOKEN` | fixed bearer token (sandbox only) — else the host's credential below |
 * | `FSI_CREDENTIAL` | `managed-identity` (Azure: no stored secret), `client-secret` or `client-certificate`; unset: `client-secret` or `client-certificate` when their variables are set |
 * | `FSI_MANAGED_IDENTITY_CLIENT_ID` | a user-assigned managed identity's client id (omit for the system-assigned one) |
 * | `FSI_TENANT_ID`, `FSI_CLIENT_ID`, `FSI_CLIENT_SECRET` or `FSI_CLIENT_CERTIFICATE_PATH` | the app registration's credential (PEM with key and certificate) |
 * | `FSI_SCM_URL` | SCM environment URL; `FSI_SCM_TOKEN` or the same credential (omit both for the sandbox) |
 * | `FSI_INTEGRATION_USER_ID` | systemuserid of the integration's application user in Dataverse |
 * | `FSI_SCM_INTEGRATION_USER` | the SCM user the integration writes as (default `FSI-Integration`) |
 * | `FSI_ECHO_TAG` | Web API `tag` marking the integration's writes (default `fsi-integration`) |
 * | `FSI_SCM_UNAVAILABLE_POLICY` | `fail-closed` (default) or `fail-open` |
 * | `FSI_SCM_VALIDATION` | `changeset` (default: a rolled-back OData changeset) or `custom-service` (FsiValidationService, where deployed) |
 * | `FSI_MAP_MODES` | who syncs each two-way map: `warehouses=dual-write,ship-vias=off` (`fsi` when not named) |
 * | `FSI_WEBHOOK_AUTH` | `HttpHeader` (default), `WebhookKey` or `HttpQueryString` |
 * | `FSI_WEBHOOK_KEY` | the service endpoint's key |
 * | `FSI_WEBHOOK_KEY_NAME` | header (default `x-fsi-webhook-key`) or query parameter name |
 * | `FSI_SCM_EVENTS_KEY` | key SCM's data event endpoint (a Dataverse webhook) sends as `?code=` to `/plugins/scm-events` |
 * | `FSI_VALIDATION_ISSUER`, `FSI_VALIDATION_AUDIENCE`, `FSI_VALIDATION_JWKS_URL` | bearer token checks of the validation API: `https://login.microsoftonline.com/<tenant id>/v2.0`, the API's client id (comma-separated to accept more), `https://login.microsoftonline.com/<tenant id>/discovery/v2.0/keys` |
 * | `FSI_VALIDATION_TENANT_ID`, `FSI_VALIDATION_SCOPE` | the tenant a token's `tid` must name, the delegated scope its `scp` must grant (`Validate.Records`) |
 * | `FSI_VALIDATION_ALLOWED_ORIGINS` | comma-separated origins allowed by CORS |
 * | `FSI_BODY_LIMIT_BYTES`, `FSI_MAP_OVERRIDE_PATH`, `FSI_STATE_PATH`, `FSI_RETRY_INTERVAL_MS` | limits and files |
 * | `FSI_STATE_STORE` | the host's state store: `sqlite` (default; the file `FSI_STATE_PATH`, one host) or `azure` (Azure Storage, shared by every instance and the `fsi` CLI) |
 * | `FSI_STORAGE_CONNECTION_STRING` | `azure`: the storage account's connection string (Azurite in development; in Azure a Key Vault reference) |
 * | `FSI_STORAGE_TABLE_URL`, `FSI_STORAGE_BLOB_URL` | `azure`, instead of a connection string: the account's table and blob endpoints, reached with the host's credential (roles Storage Table Data Contributor and Storage Blob Data Contributor) |
 * | `FSI_STORAGE_PREFIX` | `azure`: prefix of every table and container name (default `fsi`; lowercase letters and digits), so environments can share an account |
 * | `FSI_AUTHORITY_HOST` | Entra ID authority (default `https://login.microsoftonline.com`) |
 * | `FSI_PORT`, `FSI_LISTEN_ADDRESS` | the standalone server (`main.ts`): port (default 7071) and address (default 127.0.0.1) |
 * | `FSI_INVENTORY_STATE_PATH`, `FSI_INVENTORY_SETTINGS` | the inventory engine both entries run beside the host (`inventory/config.ts`) |
 */
import { z } from "zod";
import { formatZodError } from "@fsi/core/validation/format-zod-error";
import { builtInMaps } from "@fsi/core/maps/built-in";
import { type MapModes, parseMapModes } from "@fsi/core/maps/map-modes";
import { DEFAULT_ECHO_TAG, DEFAULT_SCM_INTEGRATION_USER } from "../integration/settings";
import { STORAGE_PREFIX_PATTERN, type AzureStoreSettings } from "../sync/azure/storage-access";
import {
  type AccessTokenProvider,
  type HostCredentialConfig,
  hostCredential,
  hostTokenProvider,
} from "../http-kit/auth/host-credentials";
import { DEFAULT_WEBHOOK_KEY_HEADER, type WebhookAuth } from "../http-kit/auth/webhook-key";
import { secretSetting } from "../http-kit/key-vault-reference";
import type { PluginHostConfig } from "./plugin-host";

const url = z.url({ protocol: /^https?$/, error: "must be an http(s) URL" });
const optionalText = z.string().trim().min(1).optional();

/**
 * What every tool that talks to both systems needs (the host, the sync CLI `fsi sync`, the
 * inventory engine — `inventory/config.ts` extends these with its own variables): where Dataverse
 * and SCM are, how to get tokens, who the integration is, where its state file is.
 */
export const connectionFields = {
  FSI_DATAVERSE_URL: url,
  FSI_DATAVERSE_TOKEN: optionalText,
  FSI_TENANT_ID: optionalText,
  FSI_CLIENT_ID: optionalText,
  FSI_CLIENT_SECRET: secretSetting(1).optional(),
  FSI_CLIENT_CERTIFICATE_PATH: optionalText,
  FSI_CREDENTIAL: z.enum(["managed-identity", "client-secret", "client-certificate"]).optional(),
  FSI_MANAGED_IDENTITY_CLIENT_ID: optionalText,
  FSI_AUTHORITY_HOST: url.optional(),
  FSI_SCM_URL: url,
  FSI_SCM_TOKEN: optionalText,
  FSI_INTEGRATION_USER_ID: z.guid("must be the GUID of a systemuser"),
  FSI_SCM_INTEGRATION_USER: z.string().trim().min(1).max(100).default(DEFAULT_SCM_INTEGRATION_USER),
  FSI_ECHO_TAG: z.string().trim().min(1).default(DEFAULT_ECHO_TAG),
  FSI_SCM_UNAVAILABLE_POLICY: z.enum(["fail-closed", "fail-open"]).default("fail-closed"),
  FSI_SCM_VALIDATION: z.enum(["changeset", "custom-service"]).default("changeset"),
  FSI_MAP_OVERRIDE_PATH: optionalText,
  FSI_STATE_PATH: optionalText,
  /** Who syncs each two-way map: `warehouses=dual-write,ship-vias=off` (others `fsi`). */
  FSI_MAP_MODES: optionalText,
  FSI_STATE_STORE: z.enum(["sqlite", "azure"]).default("sqlite"),
  // A secret (it holds the account key): in Azure a Key Vault reference, refused while unresolved.
  FSI_STORAGE_CONNECTION_STRING: secretSetting(1).optional(),
  FSI_STORAGE_TABLE_URL: url.optional(),
  FSI_STORAGE_BLOB_URL: url.optional(),
  FSI_STORAGE_PREFIX: z
    .string()
    .trim()
    .regex(STORAGE_PREFIX_PATTERN, "must be 1 to 30 lowercase letters and digits, starting with a letter")
    .default("fsi"),
};

/** The rule every schema over `connectionFields` refines with: the Azure store needs a way to reach its account. */
export const hasStorageAccess = (env: ConnectionEnv): boolean =>
  env.FSI_STATE_STORE !== "azure" ||
  env.FSI_STORAGE_CONNECTION_STRING !== undefined ||
  (env.FSI_STORAGE_TABLE_URL !== undefined &&
    env.FSI_STORAGE_BLOB_URL !== undefined &&
    hostCredentialOf(env) !== undefined);
export const storageAccessError = {
  path: ["FSI_STATE_STORE"],
  error:
    "azure needs FSI_STORAGE_CONNECTION_STRING, or FSI_STORAGE_TABLE_URL and FSI_STORAGE_BLOB_URL with the host's credential (FSI_CREDENTIAL=managed-identity, or an app registration's)",
};

/** The Azure state store's settings, when `FSI_STATE_STORE=azure` (SQLite keeps using `FSI_STATE_PATH`). */
export function azureStoreOf(env: ConnectionEnv): AzureStoreSettings | undefined {
  if (env.FSI_STATE_STORE !== "azure") return undefined;
  if (env.FSI_STORAGE_CONNECTION_STRING !== undefined) {
    return {
      access: { kind: "connection-string", connectionString: env.FSI_STORAGE_CONNECTION_STRING },
      prefix: env.FSI_STORAGE_PREFIX,
    };
  }
  const config = hostCredentialOf(env);
  const credential = config === undefined ? undefined : hostCredential(config);
  if (env.FSI_STORAGE_TABLE_URL === undefined || env.FSI_STORAGE_BLOB_URL === undefined || credential === undefined) {
    throw new HostConfigurationError(`environment: FSI_STATE_STORE: ${storageAccessError.error}`);
  }
  return {
    access: { kind: "token", tableUrl: env.FSI_STORAGE_TABLE_URL, blobUrl: env.FSI_STORAGE_BLOB_URL, credential },
    prefix: env.FSI_STORAGE_PREFIX,
  };
}

export type ConnectionEnv = z.infer<z.ZodObject<typeof connectionFields>>;

/**
 * The host's credential (`auth/host-credentials.ts`): named by FSI_CREDENTIAL, or, unset, the app
 * registration's secret or certificate when their variables are there; undefined when none is
 * configured (the sandbox's fixed tokens).
 */
export function hostCredentialOf(env: ConnectionEnv): HostCredentialConfig | undefined {
  const app =
    env.FSI_TENANT_ID !== undefined && env.FSI_CLIENT_ID !== undefined
      ? { tenantId: env.FSI_TENANT_ID, clientId: env.FSI_CLIENT_ID }
      : undefined;
  const authority = env.FSI_AUTHORITY_HOST === undefined ? {} : { authorityHost: env.FSI_AUTHORITY_HOST };
  const kind =
    env.FSI_CREDENTIAL ??
    (env.FSI_CLIENT_SECRET !== undefined
      ? "client-secret"
      : env.FSI_CLIENT_CERTIFICATE_PATH !== undefined
        ? "client-certificate"
        : undefined);
  switch (kind) {
    case "managed-identity":
      return env.FSI_MANAGED_IDENTITY_CLIENT_ID === undefined
        ? { kind }
        : { kind, clientId: env.FSI_MANAGED_IDENTITY_CLIENT_ID };
    case "client-secret":
      return app === undefined || env.FSI_CLIENT_SECRET === undefined
        ? undefined
        : { kind, ...app, clientSecret: env.FSI_CLIENT_SECRET, ...authority };
    case "client-certificate":
      return app === undefined || env.FSI_CLIENT_CERTIFICATE_PATH === undefined
        ? undefined
        : { kind, ...app, certificate: { path: env.FSI_CLIENT_CERTIFICATE_PATH }, ...authority };
    case undefined:
      return undefined;
  }
}

/** The rule every schema over `connectionFields` refines with: Dataverse needs a fixed token or the host's credential. */
export const hasDataverseCredentials = (env: ConnectionEnv): boolean =>
  env.FSI_DATAVERSE_TOKEN !== undefined || hostCredentialOf(env) !== undefined;
export const dataverseCredentialsError = {
  path: ["FSI_DATAVERSE_TOKEN"],
  error:
    "set FSI_DATAVERSE_TOKEN, or FSI_TENANT_ID, FSI_CLIENT_ID and FSI_CLIENT_SECRET (or FSI_CLIENT_CERTIFICATE_PATH), or FSI_CREDENTIAL=managed-identity",
};

const connectionSchema = z
  .object(connectionFields)
  .refine(hasDataverseCredentials, dataverseCredentialsError)
  .refine(hasStorageAccess, storageAccessError);

const envSchema = z
  .object({
    ...connectionFields,
    FSI_WEBHOOK_AUTH: z.enum(["HttpHeader", "WebhookKey", "HttpQueryString"]).default("HttpHeader"),
    FSI_WEBHOOK_KEY: secretSetting(16),
    FSI_WEBHOOK_KEY_NAME: optionalText,
    FSI_SCM_EVENTS_KEY: secretSetting(16),
    FSI_VALIDATION_ISSUER: z.string().trim().min(1),
    FSI_VALIDATION_AUDIENCE: z.string().trim().min(1),
    FSI_VALIDATION_JWKS_URL: url,
    FSI_VALIDATION_TENANT_ID: optionalText,
    FSI_VALIDATION_SCOPE: optionalText,
    FSI_VALIDATION_ALLOWED_ORIGINS: z.string().default(""),
    FSI_BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).optional(),
    FSI_RETRY_INTERVAL_MS: z.coerce.number().int().min(0).optional(),
  })
  .refine(hasDataverseCredentials, dataverseCredentialsError)
  .refine(hasStorageAccess, storageAccessError)
  .refine((env) => env.FSI_WEBHOOK_AUTH !== "HttpQueryString" || env.FSI_WEBHOOK_KEY_NAME !== undefined, {
    path: ["FSI_WEBHOOK_KEY_NAME"],
    error: "HttpQueryString needs the query parameter's name",
  });

export class HostConfigurationError extends Error {
  override readonly name = "HostConfigurationError";
  readonly code = "INVALID_CONFIGURATION";
}

type Env = z.infer<typeof envSchema>;

/** One token provider per resource: the fixed token as given, else the host's credential for `<resource>/.default`. */
function tokenFor(env: ConnectionEnv, fixed: string | undefined, resource: string): AccessTokenProvider | undefined {
  if (fixed !== undefined) return hostTokenProvider({ kind: "fixed-token", token: fixed }, resource);
  const credential = hostCredentialOf(env);
  return credential === undefined ? undefined : hostTokenProvider(credential, resource);
}

function webhookAuth(env: Env): WebhookAuth {
  switch (env.FSI_WEBHOOK_AUTH) {
    case "HttpHeader":
      return {
        kind: "HttpHeader",
        headerName: env.FSI_WEBHOOK_KEY_NAME ?? DEFAULT_WEBHOOK_KEY_HEADER,
        key: env.FSI_WEBHOOK_KEY,
      };
    case "WebhookKey":
      return { kind: "WebhookKey", key: env.FSI_WEBHOOK_KEY };
    case "HttpQueryString":
      return { kind: "HttpQueryString", parameterName: env.FSI_WEBHOOK_KEY_NAME ?? "", key: env.FSI_WEBHOOK_KEY };
  }
}

/** The connection part of the host's configuration (see `connectionFields`). */
export interface IntegrationConnection {
  readonly dataverse: PluginHostConfig["dataverse"];
  readonly scm: PluginHostConfig["scm"];
  readonly integration: PluginHostConfig["integration"];
  readonly mapOverridePath?: string;
  readonly statePath?: string;
  /** Set when `FSI_STATE_STORE=azure`: the shared store on Azure Storage. */
  readonly azureStore?: AzureStoreSettings;
}

function mapModesOf(text: string | undefined): MapModes {
  try {
    return parseMapModes(
      text,
      builtInMaps.map((map) => map.name),
    );
  } catch (error) {
    throw new HostConfigurationError(`FSI_MAP_MODES: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** The connection from parsed variables (a schema over `connectionFields`): tokens from a fixed token or the host's credential. */
export function integrationConnectionOf(env: ConnectionEnv): IntegrationConnection {
  const dataverseToken = tokenFor(env, env.FSI_DATAVERSE_TOKEN, env.FSI_DATAVERSE_URL);
  if (dataverseToken === undefined) throw new HostConfigurationError("environment: no way to get a Dataverse token.");
  const scmToken = tokenFor(env, env.FSI_SCM_TOKEN, env.FSI_SCM_URL);
  return {
    dataverse: { url: env.FSI_DATAVERSE_URL, accessToken: dataverseToken },
    scm: {
      url: env.FSI_SCM_URL,
      integrationUser: env.FSI_SCM_INTEGRATION_USER,
      ...(scmToken === undefined ? {} : { accessToken: scmToken }),
    },
    integration: {
      integrationUserId: env.FSI_INTEGRATION_USER_ID.toLowerCase(),
      scmIntegrationUser: env.FSI_SCM_INTEGRATION_USER,
      echoTag: env.FSI_ECHO_TAG,
      scmUnavailablePolicy: env.FSI_SCM_UNAVAILABLE_POLICY,
      scmValidation: env.FSI_SCM_VALIDATION,
      mapModes: mapModesOf(env.FSI_MAP_MODES),
    },
    ...(env.FSI_MAP_OVERRIDE_PATH === undefined ? {} : { mapOverridePath: env.FSI_MAP_OVERRIDE_PATH }),
    ...(env.FSI_STATE_PATH === undefined ? {} : { statePath: env.FSI_STATE_PATH }),
    ...withAzureStore(env),
  };
}

function withAzureStore(env: ConnectionEnv): { azureStore?: AzureStoreSettings } {
  const settings = azureStoreOf(env);
  return settings === undefined ? {} : { azureStore: settings };
}

/** Only the connection variables (for tools beside the host, such as `fsi sync`). */
export function integrationConnectionFromEnv(
  environment: Readonly<Record<string, string | undefined>>,
): IntegrationConnection {
  const parsed = connectionSchema.safeParse(environment);
  if (!parsed.success) throw new HostConfigurationError(formatZodError(parsed.error, "environment"));
  return integrationConnectionOf(parsed.data);
}

export function hostConfigFromEnv(environment: Readonly<Record<string, string | undefined>>): PluginHostConfig {
  const parsed = envSchema.safeParse(environment);
  if (!parsed.success) throw new HostConfigurationError(formatZodError(parsed.error, "environment"));
  const env = parsed.data;
  return {
    ...integrationConnectionOf(env),
    webhookAuth: webhookAuth(env),
    scmEventsAuth: { kind: "WebhookKey", key: env.FSI_SCM_EVENTS_KEY },
    validationApi: {
      bearer: {
        issuer: env.FSI_VALIDATION_ISSUER,
        audience: env.FSI_VALIDATION_AUDIENCE.split(",").map((audience) => audience.trim()),
        jwks: { url: env.FSI_VALIDATION_JWKS_URL },
        ...(env.FSI_VALIDATION_TENANT_ID === undefined ? {} : { tenantId: env.FSI_VALIDATION_TENANT_ID }),
        ...(env.FSI_VALIDATION_SCOPE === undefined ? {} : { requiredScope: env.FSI_VALIDATION_SCOPE }),
      },
      cors: {
        allowedOrigins: env.FSI_VALIDATION_ALLOWED_ORIGINS.split(",")
          .map((origin) => origin.trim())
          .filter((origin) => origin !== ""),
      },
    },
    ...(env.FSI_BODY_LIMIT_BYTES === undefined ? {} : { bodyLimitBytes: env.FSI_BODY_LIMIT_BYTES }),
    ...(env.FSI_RETRY_INTERVAL_MS === undefined ? {} : { retryIntervalMs: env.FSI_RETRY_INTERVAL_MS }),
  };
}
