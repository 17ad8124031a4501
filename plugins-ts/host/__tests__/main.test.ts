/**
 * The standalone server (`main.ts`) over HTTP, configured from the environment only: the plug-in
 * host's routes, the inventory maps' among them, on one port behind the same service endpoint key,
 * and the inventory engine's schedule running.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { POSTED_BY_USER_REFUSAL, userSetsPostedContext } from "../../__tests__/support/inventory-contexts";
import { startPluginHostServer } from "../main";

const WEBHOOK_KEY = "0123456789abcdef0123";
const USER_ID = "a0000000-0000-4000-8000-000000000001";

let folder: string;
let environment: Record<string, string>;

beforeAll(() => {
  folder = mkdtempSync(path.join(os.tmpdir(), "fsi-main-"));
  const settingsPath = path.join(folder, "inventory-settings.json");
  writeFileSync(settingsPath, JSON.stringify({ maps: { "on-hand": { mode: "batch", scheduleMinutes: 15 } } }));
  environment = {
    FSI_DATAVERSE_URL: "http://127.0.0.1:9",
    FSI_DATAVERSE_TOKEN: "token",
    FSI_SCM_URL: "http://127.0.0.1:9/scm",
    FSI_INTEGRATION_USER_ID: "a0000000-0000-4000-8000-0000000000f5",
    FSI_WEBHOOK_KEY: WEBHOOK_KEY,
    FSI_SCM_EVENTS_KEY: "fedcba9876543210fedc",
    FSI_VALIDATION_ISSUER: "urn:fsi:test",
    FSI_VALIDATION_AUDIENCE: "api://fsi-validation",
    FSI_VALIDATION_JWKS_URL: "http://127.0.0.1:9/jwks.json",
    FSI_INVENTORY_STATE_PATH: path.join(folder, "state", "inventory.sqlite"),
    FSI_INVENTORY_SETTINGS: settingsPath,
    FSI_PORT: "0",
  };
});

afterAll(() => {
  rmSync(folder, { recursive: true, force: true });
});

const guardRequest = (headers: Record<string, string>) => ({
  method: "POST",
  headers: { "content-type": "application/json", ...headers },
  body: JSON.stringify(userSetsPostedContext({ userId: USER_ID })),
});

describe("the standalone host", () => {
  it("serves the routes on a plain node:http server configured from the environment", async () => {
    const running = await startPluginHostServer(environment);
    try {
      const health = await fetch(`${running.url}/plugins/health`);
      expect([health.status, await health.json()]).toEqual([200, { status: "ok", queueDepth: 0 }]);
      const webhook = await fetch(`${running.url}/plugins/webhooks/validate`, {
        method: "POST",
        headers: { "x-fsi-webhook-key": "wrong" },
        body: "{}",
      });
      expect(webhook.status).toBe(401);
      // The keyed probe answers 200 only with the key, and the real routes' 401 otherwise.
      const keyed = await fetch(`${running.url}/plugins/probe/webhooks`, {
        headers: { "x-fsi-webhook-key": WEBHOOK_KEY },
      });
      expect([keyed.status, await keyed.json()]).toEqual([200, { status: "ok", key: "accepted" }]);
      const unkeyed = await fetch(`${running.url}/plugins/probe/webhooks`);
      expect([unkeyed.status, ((await unkeyed.json()) as { error: { code: string } }).error.code]).toEqual([
        401,
        "MISSING_WEBHOOK_KEY",
      ]);
      const wrong = await fetch(`${running.url}/plugins/probe/scm-events?code=${WEBHOOK_KEY}`);
      expect([wrong.status, ((await wrong.json()) as { error: { code: string } }).error.code]).toEqual([
        401,
        "INVALID_WEBHOOK_KEY",
      ]);
      const events = await fetch(`${running.url}/plugins/probe/scm-events?code=fedcba9876543210fedc`);
      expect(events.status).toBe(200);
    } finally {
      await running.close();
    }
  });

  it("serves the inventory webhooks on the same port, behind the same key", async () => {
    const running = await startPluginHostServer(environment);
    try {
      const url = `${running.url}/plugins/inventory/webhooks/inventory-posting-lock`;
      const refused = await fetch(url, guardRequest({ "x-fsi-webhook-key": WEBHOOK_KEY }));
      expect(refused.status).toBe(422);
      const body = (await refused.json()) as { error: { code: string; message: string; details?: unknown } };
      expect(body.error.code).toBe("VALIDATION_FAILED");
      expect(body.error.message).toContain(POSTED_BY_USER_REFUSAL);

      const unauthenticated = await fetch(url, guardRequest({}));
      expect(unauthenticated.status).toBe(401);
      expect(await unauthenticated.json()).toMatchObject({ error: { code: "MISSING_WEBHOOK_KEY" } });
      expect((await fetch(url, guardRequest({ "x-fsi-webhook-key": "not-the-key-at-all" }))).status).toBe(401);
      // Each webhook route knows its own handlers (core's `webhookPath`): the inventory ones only under inventory/.
      expect(
        (
          await fetch(
            `${running.url}/plugins/webhooks/inventory-posting-lock`,
            guardRequest({ "x-fsi-webhook-key": WEBHOOK_KEY }),
          )
        ).status,
      ).toBe(404);
    } finally {
      await running.close();
    }
  });

  it("answers the inventory status with the settings from the environment and the schedule running", async () => {
    const running = await startPluginHostServer(environment);
    try {
      expect((await fetch(`${running.url}/plugins/inventory/status`)).status).toBe(401);
      const status = await fetch(`${running.url}/plugins/inventory/status`, {
        headers: { "x-fsi-webhook-key": WEBHOOK_KEY },
      });
      expect(status.status).toBe(200);
      const { maps } = (await status.json()) as {
        maps: { map: string; mode: string; scheduleMinutes?: number; nextRunAt?: string }[];
      };
      expect(maps.map((map) => map.map)).toEqual([
        "on-hand",
        "projects",
        "inventory-adjustments",
        "inventory-transfers",
        "work-order-sales-orders",
      ]);
      const onHand = maps.find((map) => map.map === "on-hand");
      expect(onHand).toMatchObject({ mode: "batch", scheduleMinutes: 15 });
      // Only a started schedule knows when the next run is.
      expect(Date.parse(onHand?.nextRunAt ?? "")).toBeGreaterThan(Date.now());
    } finally {
      await running.close();
    }
  });

  it("refuses to start with a bad configuration", async () => {
    await expect(startPluginHostServer({ ...environment, FSI_SCM_URL: "nope" })).rejects.toThrow(
      "environment: $.FSI_SCM_URL: must be an http(s) URL",
    );
  });

  it("refuses to start with an inventory settings file it cannot read", async () => {
    const missing = path.join(folder, "missing.json");
    await expect(startPluginHostServer({ ...environment, FSI_INVENTORY_SETTINGS: missing })).rejects.toThrow(missing);
  });
});
