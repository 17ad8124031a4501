/**
 * The engine's configuration from the environment: the plug-in host's connection variables, read
 * the host's way (defaults, token choice, refusals), plus the engine's own files.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { integrationConnectionFromEnv } from "../../host/config-from-env";
import { InventoryConfigurationError, inventoryConfigFromEnv } from "../config";

const connection = {
  FSI_DATAVERSE_URL: "https://contoso.crm.dynamics.com",
  FSI_DATAVERSE_TOKEN: "token",
  FSI_SCM_URL: "https://contoso.operations.dynamics.com",
  FSI_INTEGRATION_USER_ID: "A0000000-0000-4000-8000-0000000000F5",
};

let folder: string;

beforeAll(() => {
  folder = mkdtempSync(path.join(os.tmpdir(), "fsi-inventory-config-"));
});

afterAll(() => {
  rmSync(folder, { recursive: true, force: true });
});

describe("inventoryConfigFromEnv", () => {
  it("reads the connection as the plug-in host does, and the engine's state file and settings", () => {
    const settingsPath = path.join(folder, "settings.json");
    writeFileSync(settingsPath, JSON.stringify({ maps: { "on-hand": { mode: "batch", scheduleMinutes: 5 } } }));
    const statePath = path.join(folder, "nested", "inventory.sqlite");
    const config = inventoryConfigFromEnv({
      ...connection,
      FSI_SCM_INTEGRATION_USER: "FSI-Batch",
      FSI_INVENTORY_STATE_PATH: statePath,
      FSI_INVENTORY_SETTINGS: settingsPath,
    });
    const host = integrationConnectionFromEnv({ ...connection, FSI_SCM_INTEGRATION_USER: "FSI-Batch" });
    expect(config.integration).toMatchObject({
      integrationUserId: host.integration.integrationUserId,
      scmIntegrationUser: "FSI-Batch",
      echoTag: host.integration.echoTag,
    });
    expect(config.integration.integrationUserId).toBe("a0000000-0000-4000-8000-0000000000f5");
    expect(config.dataverse.url).toBe(connection.FSI_DATAVERSE_URL);
    expect(config.scm.url).toBe(connection.FSI_SCM_URL);
    expect(config.statePath).toBe(statePath);
    expect(config.settings).toEqual({ maps: { "on-hand": { mode: "batch", scheduleMinutes: 5 } } });
  });

  it("takes the app's client credentials when there is no fixed token, for Dataverse and SCM alike", () => {
    const { FSI_DATAVERSE_TOKEN: _token, ...withoutToken } = connection;
    const config = inventoryConfigFromEnv({
      ...withoutToken,
      FSI_TENANT_ID: "t",
      FSI_CLIENT_ID: "c",
      FSI_CLIENT_SECRET: "s",
      FSI_INVENTORY_STATE_PATH: ":memory:",
    });
    expect(typeof config.dataverse.accessToken).toBe("function");
    expect(typeof config.scm.accessToken).toBe("function");
  });

  it("refuses a bad environment under its own error class, naming every variable at fault", () => {
    const { FSI_DATAVERSE_TOKEN: _token, ...withoutToken } = connection;
    const attempt = () =>
      inventoryConfigFromEnv({ ...withoutToken, FSI_SCM_URL: "ftp://x", FSI_INVENTORY_STATE_PATH: ":memory:" });
    expect(attempt).toThrow(InventoryConfigurationError);
    expect(attempt).toThrow("environment: $.FSI_SCM_URL: must be an http(s) URL");
    expect(() => inventoryConfigFromEnv({ ...withoutToken, FSI_INVENTORY_STATE_PATH: ":memory:" })).toThrow(
      "$.FSI_DATAVERSE_TOKEN: set FSI_DATAVERSE_TOKEN, or FSI_TENANT_ID, FSI_CLIENT_ID and FSI_CLIENT_SECRET",
    );
    expect(() => inventoryConfigFromEnv({ ...connection, FSI_INVENTORY_STATE_PATH: "  " })).toThrow(
      "$.FSI_INVENTORY_STATE_PATH",
    );
  });
});
