import { startPluginHostServer } from "../main";

const environment = {
  FSI_DATAVERSE_URL: "http://127.0.0.1:9",
  FSI_DATAVERSE_TOKEN: "token",
  FSI_SCM_URL: "http://127.0.0.1:9/scm",
  FSI_INTEGRATION_USER_ID: "a0000000-0000-4000-8000-0000000000f5",
  FSI_WEBHOOK_KEY: "0123456789abcdef0123",
  FSI_SCM_EVENTS_KEY: "fedcba9876543210fedc",
  FSI_VALIDATION_ISSUER: "urn:fsi:test",
  FSI_VALIDATION_AUDIENCE: "api://fsi-validation",
  FSI_VALIDATION_JWKS_URL: "http://127.0.0.1:9/jwks.json",
  FSI_PORT: "0",
};

describe("the standalone host", () => {
  it("serves the routes on a plain node:http server configured from the environment", async () => {
    const running = await startPluginHostServer(environment);
    try {
      const health = await fetch(`${running.url}/plugins/health`);
      expect([health.status, await health.json()]).toEqual([200, { status: "ok", queueDepth: 0 }]);
      const webhook = await fetch(`${running.url}/plugins/webhooks/validate`, { method: "POST", headers: { "x-fsi-webhook-key": "wrong" }, body: "{}" });
      expect(webhook.status).toBe(401);
    } finally {
      await running.close();
    }
  });

  it("refuses to start with a bad configuration", async () => {
    await expect(startPluginHostServer({ ...environment, FSI_SCM_URL: "nope" })).rejects.toThrow("environment: $.FSI_SCM_URL: must be an http(s) URL");
  });
});
