import { hostCredentialOf, HostConfigurationError, hostConfigFromEnv } from "../config-from-env";

const complete = {
  FSI_DATAVERSE_URL: "https://contoso.crm.dynamics.com",
  FSI_DATAVERSE_TOKEN: "token",
  FSI_SCM_URL: "https://contoso.operations.dynamics.com",
  FSI_INTEGRATION_USER_ID: "A0000000-0000-4000-8000-0000000000F5",
  FSI_WEBHOOK_KEY: "0123456789abcdef0123",
  FSI_SCM_EVENTS_KEY: "fedcba9876543210fedc",
  FSI_VALIDATION_ISSUER: "https://login.microsoftonline.com/tenant/v2.0",
  FSI_VALIDATION_AUDIENCE: "api://fsi-validation",
  FSI_VALIDATION_JWKS_URL: "https://login.microsoftonline.com/tenant/discovery/v2.0/keys",
  FSI_VALIDATION_ALLOWED_ORIGINS: "https://contoso.crm.dynamics.com, https://contoso.crm4.dynamics.com",
};

describe("hostConfigFromEnv", () => {
  it("builds the host configuration with the documented defaults", () => {
    const config = hostConfigFromEnv(complete);
    expect(config.integration).toEqual({
      integrationUserId: "a0000000-0000-4000-8000-0000000000f5",
      scmIntegrationUser: "FSI-Integration",
      echoTag: "fsi-integration",
      scmUnavailablePolicy: "fail-closed",
      scmValidation: "changeset",
      // Every map runs the toolkit's sync unless FSI_MAP_MODES says otherwise.
      mapModes: {},
    });
    expect(
      hostConfigFromEnv({ ...complete, FSI_MAP_MODES: "warehouses=dual-write, ship-vias=off" }).integration.mapModes,
    ).toEqual({ warehouses: "dual-write", "ship-vias": "off" });
    expect(() => hostConfigFromEnv({ ...complete, FSI_MAP_MODES: "warehouses=both" })).toThrow(
      "FSI_MAP_MODES: Map warehouses: 'both' is not a mode; modes: fsi, dual-write, off.",
    );
    expect(config.webhookAuth).toEqual({
      kind: "HttpHeader",
      headerName: "x-fsi-webhook-key",
      key: complete.FSI_WEBHOOK_KEY,
    });
    expect(config.scmEventsAuth).toEqual({ kind: "WebhookKey", key: complete.FSI_SCM_EVENTS_KEY });
    expect(config.validationApi.cors.allowedOrigins).toEqual([
      "https://contoso.crm.dynamics.com",
      "https://contoso.crm4.dynamics.com",
    ]);
    expect(config.scm.accessToken).toBeUndefined();
  });

  it("refuses a bad environment, naming every variable at fault", () => {
    const { FSI_DATAVERSE_TOKEN: _token, ...withoutToken } = complete;
    let message = "";
    try {
      hostConfigFromEnv({
        ...withoutToken,
        FSI_SCM_URL: "ftp://x",
        FSI_WEBHOOK_KEY: "short",
        FSI_SCM_UNAVAILABLE_POLICY: "maybe",
      });
    } catch (error) {
      expect(error).toBeInstanceOf(HostConfigurationError);
      message = (error as Error).message;
    }
    expect(message).toContain("environment: $.FSI_SCM_URL: must be an http(s) URL");
    expect(message).toContain("environment: $.FSI_WEBHOOK_KEY: must be at least 16 characters");
    expect(message).toContain("environment: $.FSI_SCM_UNAVAILABLE_POLICY");
  });

  it("refuses a key that is still an unresolved Key Vault reference", () => {
    // App Service leaves a reference it cannot resolve in place; its text is no secret.
    const reference = "@Microsoft.KeyVault(SecretUri=https://fsi-kv.vault.azure.net/secrets/fsi-webhook-key/)";
    expect(() => hostConfigFromEnv({ ...complete, FSI_WEBHOOK_KEY: reference })).toThrow(
      "environment: $.FSI_WEBHOOK_KEY: is a Key Vault reference the app could not resolve",
    );
    expect(() =>
      hostConfigFromEnv({ ...complete, FSI_SCM_EVENTS_KEY: reference.replace("webhook", "scm-events") }),
    ).toThrow("$.FSI_SCM_EVENTS_KEY: is a Key Vault reference");
    const { FSI_DATAVERSE_TOKEN: _token, ...withoutToken } = complete;
    expect(() =>
      hostConfigFromEnv({
        ...withoutToken,
        FSI_TENANT_ID: "t",
        FSI_CLIENT_ID: "c",
        FSI_CLIENT_SECRET: "@Microsoft.KeyVault(VaultName=fsi-kv;SecretName=client)",
      }),
    ).toThrow("$.FSI_CLIENT_SECRET: is a Key Vault reference");
    expect(() =>
      hostConfigFromEnv({
        ...complete,
        FSI_STATE_STORE: "azure",
        FSI_STORAGE_CONNECTION_STRING: "@Microsoft.KeyVault(VaultName=fsi-kv;SecretName=storage)",
      }),
    ).toThrow("$.FSI_STORAGE_CONNECTION_STRING: is a Key Vault reference");
  });

  it("asks for the Dataverse token or the app's credentials", () => {
    const { FSI_DATAVERSE_TOKEN: _token, ...withoutToken } = complete;
    expect(() => hostConfigFromEnv(withoutToken)).toThrow(
      "set FSI_DATAVERSE_TOKEN, or FSI_TENANT_ID, FSI_CLIENT_ID and FSI_CLIENT_SECRET",
    );
    const withApp = hostConfigFromEnv({
      ...withoutToken,
      FSI_TENANT_ID: "t",
      FSI_CLIENT_ID: "c",
      FSI_CLIENT_SECRET: "s",
    });
    expect(typeof withApp.scm.accessToken).toBe("function");
  });

  it.each([
    ["a managed identity", { FSI_CREDENTIAL: "managed-identity" }, { kind: "managed-identity" }],
    [
      "a user-assigned managed identity",
      { FSI_CREDENTIAL: "managed-identity", FSI_MANAGED_IDENTITY_CLIENT_ID: "mi" },
      { kind: "managed-identity", clientId: "mi" },
    ],
    [
      "a certificate",
      { FSI_TENANT_ID: "t", FSI_CLIENT_ID: "c", FSI_CLIENT_CERTIFICATE_PATH: "/run/secrets/fsi.pem" },
      { kind: "client-certificate", tenantId: "t", clientId: "c", certificate: { path: "/run/secrets/fsi.pem" } },
    ],
    [
      "a secret",
      { FSI_TENANT_ID: "t", FSI_CLIENT_ID: "c", FSI_CLIENT_SECRET: "s" },
      { kind: "client-secret", tenantId: "t", clientId: "c", clientSecret: "s" },
    ],
  ])("names the host's credential explicitly: %s", (_name, variables, credential) => {
    const { FSI_DATAVERSE_TOKEN: _token, ...withoutToken } = complete;
    const parsed = { ...withoutToken, ...variables } as unknown as Parameters<typeof hostCredentialOf>[0];
    expect(hostCredentialOf(parsed)).toEqual(credential);
    const config = hostConfigFromEnv({ ...withoutToken, ...variables });
    expect([typeof config.dataverse.accessToken, typeof config.scm.accessToken]).toEqual(["function", "function"]);
  });

  it("a credential named without its variables is no credential", () => {
    const { FSI_DATAVERSE_TOKEN: _token, ...withoutToken } = complete;
    expect(() => hostConfigFromEnv({ ...withoutToken, FSI_CREDENTIAL: "client-secret" })).toThrow(
      "FSI_CREDENTIAL=managed-identity",
    );
  });
});
