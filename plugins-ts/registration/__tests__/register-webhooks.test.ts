import {
  ADMIN_TOKEN,
  type Environment,
  WEBHOOK_KEY,
  dataverseRequest,
  startEnvironment,
} from "../../__tests__/support/environment";
import { DataverseClient } from "../../services/dataverse-client";
import { registerWebhookSteps } from "../register-webhooks";
import { integrationWebhookSteps } from "@fsi/core/registration";

let env: Environment;

beforeAll(async () => {
  env = await startEnvironment();
});

afterAll(async () => {
  await env.close();
});

async function rows(path: string): Promise<Record<string, unknown>[]> {
  return ((await dataverseRequest(env.dataverse.url, "GET", path)).json as { value: Record<string, unknown>[] }).value;
}

describe("registerWebhookSteps", () => {
  it("registers each handler's steps with the filtering attributes and images the plug-ins need", async () => {
    const [update] = await rows(
      `sdkmessageprocessingsteps?$filter=name eq 'FSI sync-to-scm: Update of msdyn_warehouse'`,
    );
    expect(update).toMatchObject({ stage: 40, mode: 0 });
    expect(String(update?.filteringattributes).split(",")).toEqual(
      expect.arrayContaining(["msdyn_description", "msdyn_operationalsite", "msdyn_warehouseidentifier"]),
    );
    // Microsoft's naming: msdyn_name only receives SCM's warehouse id, so changing it syncs nothing.
    expect(String(update?.filteringattributes).split(",")).not.toContain("msdyn_name");
    expect(String(update?.filteringattributes)).not.toContain("fsi_scmsyncstatus");
    const images = await rows(
      `sdkmessageprocessingstepimages?$filter=_sdkmessageprocessingstepid_value eq ${String(update?.sdkmessageprocessingstepid)}`,
    );
    expect(images.map((image) => [image.entityalias, image.imagetype]).sort()).toEqual([
      ["PostImage", 1],
      ["PreImage", 0],
    ]);
    const [status] = await rows(
      `sdkmessageprocessingsteps?$filter=name eq 'FSI sync-status: Create of msdyn_warehouse'`,
    );
    expect(status).toMatchObject({ stage: 40, mode: 1 });
  });

  it("can run again: the same steps are updated, not duplicated", async () => {
    const before = (await rows("sdkmessageprocessingsteps?$select=name")).length;
    const imagesBefore = (await rows("sdkmessageprocessingstepimages?$select=name")).length;
    const again = await registerWebhookSteps(
      new DataverseClient({ url: env.dataverse.url, accessToken: () => Promise.resolve(ADMIN_TOKEN) }),
      {
        hostUrl: env.hostUrl,
        auth: { kind: "HttpHeader", headerName: "x-fsi-webhook-key", key: WEBHOOK_KEY },
        steps: integrationWebhookSteps(env.host.maps.maps),
      },
    );
    expect(again.stepIds).toEqual(env.stepIds);
    expect((await rows("sdkmessageprocessingsteps?$select=name")).length).toBe(before);
    expect((await rows("sdkmessageprocessingstepimages?$select=name")).length).toBe(imagesBefore);
    expect((await rows("serviceendpoints?$select=name")).map((endpoint) => endpoint.name).sort()).toEqual([
      "FSI sync-status",
      "FSI sync-to-scm",
      "FSI validate",
    ]);
  });
});
