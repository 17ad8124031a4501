/**
 * infra/main.bicep, checked without the Bicep compiler (not installable here: it ships on NuGet):
 * the template is read with `bicep-subset.ts`, its app settings are evaluated with the example
 * parameters file and what Azure would return, Key Vault references are resolved the way App Service
 * resolves them, and the result must configure the host (`hostConfigFromEnv`, the host's own zod
 * schema). The resources, API versions and role assignments are checked against Microsoft's pages
 * (docs/platform-fidelity.md, "Azure Functions").
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { hostConfigFromEnv } from "@fsi/plugins/host/config-from-env";
import {
  type BicepValue,
  type Declaration,
  type Expression,
  asText,
  evaluate,
  property,
  readBicep,
} from "./bicep-subset";

const infra = path.join(__dirname, "..", "..", "infra");
const template = readBicep(readFileSync(path.join(infra, "main.bicep"), "utf8"));
const exampleParameters = readBicep(readFileSync(path.join(infra, "main.example.bicepparam"), "utf8"));

const VAULT_URI = "https://fsi-kv-example.vault.azure.net/";
const SHELL = {
  FSI_WEBHOOK_KEY: "webhook-key-from-the-shell-0123456789",
  FSI_SCM_EVENTS_KEY: "scm-events-key-from-the-shell-0123456789",
};
const TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";

/** What Azure computes at deployment time, for the expressions the app settings use. */
const azure: Record<string, BicepValue> = {
  "environment().authentication.loginEndpoint": "https://login.microsoftonline.com/",
  "tenant().tenantId": TENANT,
  "resourceGroup().location": "swedencentral",
  "storage.name": "fsiexamplestorage",
  "storage.properties.primaryEndpoints.blob": "https://fsiexamplestorage.blob.core.windows.net/",
  "storage.properties.primaryEndpoints.table": "https://fsiexamplestorage.table.core.windows.net/",
  "insights.properties.ConnectionString":
    "InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=https://swedencentral-0.in.applicationinsights.azure.com/",
  // A secret's versionless URI (Microsoft.KeyVault/vaults/secrets, properties.secretUri).
  "webhookKeySecret.properties.secretUri": `${VAULT_URI}secrets/fsi-webhook-key`,
  "scmEventsKeySecret.properties.secretUri": `${VAULT_URI}secrets/fsi-scm-events-key`,
};

function declared(keyword: Declaration["keyword"], name: string): Declaration {
  const found = template.find((declaration) => declaration.keyword === keyword && declaration.name === name);
  if (found === undefined) throw new Error(`main.bicep has no ${keyword} ${name}`);
  return found;
}

const resources = template.filter((declaration) => declaration.keyword === "resource");
const resourceOfType = (type: string) => resources.filter((resource) => resource.type?.split("@")[0] === type);

/** The example parameters file's values, `overrides` on top. */
function parameters(overrides: Record<string, BicepValue> = {}): Record<string, BicepValue> {
  const values: Record<string, BicepValue> = {};
  for (const declaration of exampleParameters) {
    if (declaration.keyword === "param" && declaration.value !== undefined)
      values[declaration.name] = evaluate(declaration.value, exampleParameters, {
        params: {},
        azure,
        environment: SHELL,
      });
  }
  return { ...values, ...overrides };
}

/** The Function App's app settings as deployed (Key Vault references still in place). */
function appSettings(params: Record<string, BicepValue>): Record<string, string> {
  const settings = resourceOfType("Microsoft.Web/sites/config").find(
    (resource) => property(resource.value, "name")?.kind === "string",
  );
  const value = evaluate(property(settings?.value, "properties") as Expression, template, { params, azure });
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw new Error("app settings are not an object");
  return Object.fromEntries(Object.entries(value).map(([key, setting]) => [key, asText(setting)]));
}

/** What the app's code sees: each Key Vault reference replaced by its secret's value. */
function resolveKeyVaultReferences(
  settings: Record<string, string>,
  params: Record<string, BicepValue>,
): Record<string, string> {
  const secrets = resourceOfType("Microsoft.KeyVault/vaults/secrets").map((secret) => ({
    uri: azure[`${secret.name}.properties.secretUri`],
    value: evaluate(property(secret.value, "properties", "value") as Expression, template, { params, azure }),
  }));
  return Object.fromEntries(
    Object.entries(settings).map(([key, setting]) => {
      const reference = /^@Microsoft\.KeyVault\(SecretUri=(.+)\)$/.exec(setting);
      if (reference === null) return [key, setting];
      const secret = secrets.find((candidate) => candidate.uri === reference[1]);
      if (secret === undefined) throw new Error(`${key}: no secret at ${reference[1] ?? ""}`);
      return [key, asText(secret.value)];
    }),
  );
}

const secondDeployment = parameters({ integrationUserId: "6f2b4d1e-0c3a-4b5e-9d7f-8a1b2c3d4e5f" });

describe("infra/main.bicep", () => {
  it("creates the Function App on Flex Consumption (Linux, Node.js, system-assigned identity) with the resource types and API versions Microsoft documents", () => {
    expect(resources.map((resource) => resource.type).sort()).toEqual(
      [
        "Microsoft.Authorization/roleAssignments@2022-04-01",
        "Microsoft.Authorization/roleAssignments@2022-04-01",
        "Microsoft.Authorization/roleAssignments@2022-04-01",
        "Microsoft.Insights/components@2020-02-02",
        "Microsoft.KeyVault/vaults/secrets@2023-07-01",
        "Microsoft.KeyVault/vaults/secrets@2023-07-01",
        "Microsoft.KeyVault/vaults@2023-07-01",
        "Microsoft.OperationalInsights/workspaces@2023-09-01",
        "Microsoft.Storage/storageAccounts/blobServices/containers@2024-01-01",
        "Microsoft.Storage/storageAccounts/blobServices@2024-01-01",
        "Microsoft.Storage/storageAccounts@2024-01-01",
        "Microsoft.Web/serverfarms@2024-04-01",
        "Microsoft.Web/sites/config@2024-04-01",
        "Microsoft.Web/sites@2024-04-01",
      ].sort(),
    );
    const scope = { params: secondDeployment, azure };
    const plan = declared("resource", "plan");
    expect(evaluate(property(plan.value, "sku") as Expression, template, scope)).toEqual({
      tier: "FlexConsumption",
      name: "FC1",
    });
    expect(evaluate(property(plan.value, "properties", "reserved") as Expression, template, scope)).toBe(true);
    const app = declared("resource", "app");
    expect(evaluate(property(app.value, "kind") as Expression, template, scope)).toBe("functionapp,linux");
    expect(evaluate(property(app.value, "identity") as Expression, template, scope)).toEqual({
      type: "SystemAssigned",
    });
    expect(
      evaluate(property(app.value, "properties", "functionAppConfig", "runtime") as Expression, template, scope),
    ).toEqual({ name: "node", version: "22" });
    // Flex Consumption runs the zip deployed to this container, read with the app's identity.
    expect(
      evaluate(
        property(app.value, "properties", "functionAppConfig", "deployment", "storage") as Expression,
        template,
        scope,
      ),
    ).toEqual({
      type: "blobContainer",
      value: "https://fsiexamplestorage.blob.core.windows.net/app-package",
      authentication: { type: "SystemAssignedIdentity" },
    });
    // The settings the app is created with are the host's own, and the full set keeps them.
    const atCreation = evaluate(
      property(app.value, "properties", "siteConfig", "appSettings") as Expression,
      template,
      scope,
    ) as { name: string; value: string }[];
    const finalSettings = appSettings(secondDeployment);
    expect(atCreation.map((setting) => setting.name)).toEqual([
      "AzureWebJobsStorage__accountName",
      "APPLICATIONINSIGHTS_CONNECTION_STRING",
      "APPLICATIONINSIGHTS_AUTHENTICATION_STRING",
    ]);
    for (const setting of atCreation)
      expect([setting.name, finalSettings[setting.name]]).toEqual([setting.name, setting.value]);
    const storage = declared("resource", "storage");
    expect(evaluate(property(storage.value, "properties", "allowSharedKeyAccess") as Expression, template, scope)).toBe(
      false,
    );
    expect(
      evaluate(
        property(declared("resource", "vault").value, "properties", "enableRbacAuthorization") as Expression,
        template,
        scope,
      ),
    ).toBe(true);
  });

  it("sets every app setting the host needs: the host's own configuration accepts them", () => {
    const settings = appSettings(secondDeployment);
    const seen = resolveKeyVaultReferences(settings, secondDeployment);
    const config = hostConfigFromEnv(seen);
    expect(config.dataverse.url).toBe("https://contoso.crm.dynamics.com");
    expect(config.scm.url).toBe("https://contoso.operations.dynamics.com");
    expect(config.integration.integrationUserId).toBe("6f2b4d1e-0c3a-4b5e-9d7f-8a1b2c3d4e5f");
    expect(config.webhookAuth).toEqual({
      kind: "HttpHeader",
      headerName: "x-fsi-webhook-key",
      key: SHELL.FSI_WEBHOOK_KEY,
    });
    expect(config.scmEventsAuth).toEqual({ kind: "WebhookKey", key: SHELL.FSI_SCM_EVENTS_KEY });
    expect(config.validationApi.bearer).toMatchObject({
      issuer: `https://login.microsoftonline.com/${TENANT}/v2.0`,
      audience: ["11111111-2222-3333-4444-555555555555"],
      jwks: { url: `https://login.microsoftonline.com/${TENANT}/discovery/v2.0/keys` },
      tenantId: TENANT,
      requiredScope: "Validate.Records",
    });
    expect(config.validationApi.cors.allowedOrigins).toEqual(["https://contoso.crm.dynamics.com"]);
    // Managed identity, no stored credential; the shared state store on the app's storage account.
    expect(settings).toMatchObject({
      FSI_CREDENTIAL: "managed-identity",
      FSI_STATE_STORE: "azure",
      FSI_STORAGE_TABLE_URL: "https://fsiexamplestorage.table.core.windows.net/",
      FSI_STORAGE_BLOB_URL: "https://fsiexamplestorage.blob.core.windows.net/",
      FSI_STORAGE_PREFIX: "fsi",
      AzureWebJobsStorage__accountName: "fsiexamplestorage",
      APPLICATIONINSIGHTS_AUTHENTICATION_STRING: "Authorization=AAD",
    });
    for (const absent of [
      "FSI_DATAVERSE_TOKEN",
      "FSI_SCM_TOKEN",
      "FSI_CLIENT_SECRET",
      "FSI_TENANT_ID",
      "FSI_CLIENT_ID",
      "FSI_STORAGE_CONNECTION_STRING",
      "AzureWebJobsStorage",
    ]) {
      expect([absent, settings[absent]]).toEqual([absent, undefined]);
    }
  });

  it("keeps every secret in Key Vault: secret settings are Key Vault references, and no secure parameter reaches an app setting", () => {
    const settings = appSettings(secondDeployment);
    const secretNamed = Object.keys(settings).filter(
      (key) =>
        /(KEY|SECRET|PASSWORD|TOKEN|CONNECTION_STRING)$/.test(key) && key !== "APPLICATIONINSIGHTS_CONNECTION_STRING",
    );
    expect(secretNamed.sort()).toEqual(["FSI_SCM_EVENTS_KEY", "FSI_WEBHOOK_KEY"]);
    // The documented reference form, versionless so a rotated secret is picked up.
    expect(settings.FSI_WEBHOOK_KEY).toBe(`@Microsoft.KeyVault(SecretUri=${VAULT_URI}secrets/fsi-webhook-key)`);
    expect(settings.FSI_SCM_EVENTS_KEY).toBe(`@Microsoft.KeyVault(SecretUri=${VAULT_URI}secrets/fsi-scm-events-key)`);
    const values = Object.values(settings);
    for (const secure of template.filter(
      (declaration) => declaration.keyword === "param" && declaration.decorators.includes("secure"),
    )) {
      const value = secondDeployment[secure.name];
      expect([secure.name, values.includes(asText(value ?? null))]).toEqual([secure.name, false]);
    }
    expect(
      template
        .filter((declaration) => declaration.keyword === "param" && declaration.decorators.includes("secure"))
        .map((param) => param.name)
        .sort(),
    ).toEqual(["scmEventsKey", "webhookKey"]);
    // An output would put a value in the deployment history.
    expect(template.filter((declaration) => declaration.keyword === "output").map((output) => output.name)).not.toEqual(
      expect.arrayContaining(["webhookKey", "scmEventsKey"]),
    );
  });

  it("gives the app's identity the storage, Key Vault and monitoring roles, before the app settings that need them", () => {
    const roles = evaluate(declared("var", "roles").value as Expression, template, {
      params: secondDeployment,
      azure,
    }) as Record<string, string>;
    // Built-in role definition ids (Learn role-based-access-control/built-in-roles).
    expect(roles).toEqual({
      storageBlobDataOwner: "b7e6dc6d-f1e8-4753-8033-0f276bb0955b",
      storageBlobDataContributor: "ba92f5b4-2d11-453d-a403-e96b0029c9fe",
      storageTableDataContributor: "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3",
      keyVaultSecretsUser: "4633458b-17de-408a-b874-0445c86b69e6",
      monitoringMetricsPublisher: "3913510d-42f4-4e42-8a64-420c390055eb",
    });
    const storageAccess = declared("resource", "storageAccess");
    if (storageAccess.value?.kind !== "for") throw new Error("storageAccess is one assignment per role");
    expect(evaluate(storageAccess.value.source, template, { params: secondDeployment, azure })).toEqual([
      roles.storageBlobDataOwner,
      roles.storageBlobDataContributor,
      roles.storageTableDataContributor,
    ]);
    const assignments: [Expression | undefined, string][] = [
      [storageAccess.value.body, "storage"],
      [declared("resource", "secretsAccess").value, "vault"],
      [declared("resource", "telemetryAccess").value, "insights"],
    ];
    for (const [assignment, scope] of assignments) {
      expect(property(assignment, "scope")).toEqual({ kind: "identifier", name: scope });
      expect(property(assignment, "properties", "principalId")).toEqual({
        kind: "member",
        target: { kind: "member", target: { kind: "identifier", name: "app" }, name: "identity" },
        name: "principalId",
      });
      expect(property(assignment, "properties", "principalType")).toEqual({
        kind: "string",
        parts: ["ServicePrincipal"],
      });
      const roleDefinition = property(assignment, "properties", "roleDefinitionId");
      expect(roleDefinition).toMatchObject({ kind: "call", name: "subscriptionResourceId" });
    }
    expect(property(declared("resource", "secretsAccess").value, "properties", "roleDefinitionId")).toMatchObject({
      args: [{}, { kind: "member", name: "keyVaultSecretsUser" }],
    });
    // Key Vault references resolve with the app's identity: the settings come after its roles
    // (Learn app-service/app-service-key-vault-references.md, "Azure Resource Manager deployment").
    const settings = resourceOfType("Microsoft.Web/sites/config")[0];
    expect(property(settings?.value, "dependsOn")).toEqual({
      kind: "array",
      items: [
        { kind: "identifier", name: "storageAccess" },
        { kind: "identifier", name: "secretsAccess" },
        { kind: "identifier", name: "telemetryAccess" },
      ],
    });
  });

  it("sets none of the settings Flex Consumption replaced with site properties", () => {
    const settings = appSettings(secondDeployment);
    for (const replaced of [
      "FUNCTIONS_WORKER_RUNTIME",
      "FUNCTIONS_EXTENSION_VERSION",
      "WEBSITE_NODE_DEFAULT_VERSION",
      "WEBSITE_RUN_FROM_PACKAGE",
      "WEBSITE_CONTENTSHARE",
      "WEBSITE_CONTENTAZUREFILECONNECTIONSTRING",
      "SCM_DO_BUILD_DURING_DEPLOYMENT",
    ]) {
      expect([replaced, settings[replaced]]).toEqual([replaced, undefined]);
    }
  });

  it("on the first deployment (no application user yet) the host names the one setting still missing", () => {
    const first = parameters();
    const seen = resolveKeyVaultReferences(appSettings(first), first);
    expect(seen.FSI_INTEGRATION_USER_ID).toBeUndefined();
    let message = "";
    try {
      hostConfigFromEnv(seen);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message.split("\n").filter((line) => line.includes("$."))).toEqual([
      expect.stringContaining("$.FSI_INTEGRATION_USER_ID"),
    ]);
  });
});
