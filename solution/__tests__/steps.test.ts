import {
  builtInMaps,
  columnsSentToScm,
  filteringAttributes,
  inventoryHandlers,
  mapForTable,
  StepImageType,
  StepMode,
  StepStage,
  SYNC_STATUS_COLUMNS,
} from "@fsi/core";
import {
  solutionServiceEndpoints,
  solutionWebhookSteps,
  webhookHandlers,
  type WebhookStepRegistration,
} from "../steps";

const steps = solutionWebhookSteps();

function stepsOf(handler: WebhookStepRegistration["handler"]) {
  return steps.filter((step) => step.handler === handler);
}

function coverage(handler: WebhookStepRegistration["handler"]): string[] {
  return stepsOf(handler)
    .map((step) => `${step.message} ${step.primaryEntity}`)
    .sort();
}

const mappedTables = builtInMaps.map((map) => map.dataverseTable);

function expectedCoverage(messages: readonly string[], tables: readonly string[] = mappedTables): string[] {
  return messages.flatMap((message) => tables.map((table) => `${message} ${table}`)).sort();
}

const integrationSteps = steps.filter((step) => !(inventoryHandlers as readonly string[]).includes(step.handler));

describe("webhook registrations", () => {
  it("validates Create and Update of every mapped table synchronously in PreValidation", () => {
    expect(coverage("validate")).toEqual(expectedCoverage(["Create", "Update"]));
    for (const step of stepsOf("validate")) {
      expect([step.stage, step.mode]).toEqual([StepStage.PreValidation, StepMode.Synchronous]);
    }
  });

  it("syncs Create, Update and Delete to SCM synchronously in PostOperation, so SCM refusing rolls back", () => {
    expect(coverage("sync-to-scm")).toEqual(expectedCoverage(["Create", "Update", "Delete"]));
    for (const step of stepsOf("sync-to-scm")) {
      expect([step.stage, step.mode, step.asyncAutoDelete]).toEqual([
        StepStage.PostOperation,
        StepMode.Synchronous,
        false,
      ]);
    }
  });

  it("records the sync status asynchronously in PostOperation on Create and Update of the tables with status columns", () => {
    const withStatus = builtInMaps
      .filter((map) => map.dataverseTable !== "msdyn_operationalsite")
      .map((map) => map.dataverseTable);
    expect(coverage("sync-status")).toEqual(expectedCoverage(["Create", "Update"], withStatus));
    for (const step of stepsOf("sync-status")) {
      expect([step.stage, step.mode, step.asyncAutoDelete]).toEqual([
        StepStage.PostOperation,
        StepMode.Asynchronous,
        true,
      ]);
    }
  });

  it("filters Update steps on the map's columns from core, and never on the sync status columns (no sync loop)", () => {
    for (const step of integrationSteps) {
      const map = mapForTable(step.primaryEntity);
      if (map === undefined) throw new Error(`no map for ${step.primaryEntity}`);
      expect(step.filteringAttributes).toEqual(step.message === "Update" ? filteringAttributes(map) : []);
      expect(
        step.filteringAttributes.filter((column) => (SYNC_STATUS_COLUMNS as readonly string[]).includes(column)),
      ).toEqual([]);
    }
    expect(
      stepsOf("sync-to-scm").find((step) => step.message === "Update" && step.primaryEntity === "msdyn_warehouse")
        ?.filteringAttributes,
    ).toContain("msdyn_primaryaddresslatitude");
  });

  it("carries the images the handlers read: the row before (Update, Delete) and the row after with its version (sync to SCM)", () => {
    for (const step of stepsOf("sync-to-scm")) {
      const map = mapForTable(step.primaryEntity);
      if (map === undefined) throw new Error(`no map for ${step.primaryEntity}`);
      const images = step.images.map((image) => [image.entityAlias, image.imageType, image.messagePropertyName]);
      const expected = {
        Create: [["PostImage", StepImageType.PostImage, "Id"]],
        Update: [
          ["PreImage", StepImageType.PreImage, "Target"],
          ["PostImage", StepImageType.PostImage, "Target"],
        ],
        Delete: [["PreImage", StepImageType.PreImage, "Target"]],
      }[step.message];
      expect(images).toEqual(expected);
      const post = step.images.find((image) => image.entityAlias === "PostImage");
      if (post !== undefined)
        expect(post.attributes).toEqual([...new Set(columnsSentToScm(map))].sort().concat("versionnumber"));
    }
    const validateUpdate = stepsOf("validate").find(
      (step) => step.message === "Update" && step.primaryEntity === "msdyn_warehouse",
    );
    expect(validateUpdate?.images[0]?.attributes).toContain("msdyn_company");
  });

  it("ships the inventory steps of the built-in (live) inventory maps", () => {
    // Field Service moves product inventory itself: no step touches journals or quantities.
    expect(
      steps.filter((step) => ["msdyn_inventoryjournal", "msdyn_productinventory"].includes(step.primaryEntity)),
    ).toEqual([]);
    expect(coverage("inventory-post")).toEqual(["Update msdyn_inventoryadjustment", "Update msdyn_inventorytransfer"]);
    expect(coverage("work-order-sales-order")).toEqual(["Update msdyn_workorder"]);
    const post = stepsOf("inventory-post")[0];
    expect([post?.stage, post?.mode, post?.filteringAttributes]).toEqual([
      StepStage.PostOperation,
      StepMode.Asynchronous,
      ["fsi_postingstatus"],
    ]);
  });

  it("gives every step and image a distinct id that does not change between calls", () => {
    const ids = steps.flatMap((step) => [step.id, ...step.images.map((image) => image.id)]);
    expect(new Set(ids).size).toBe(ids.length);
    expect(solutionWebhookSteps().map((step) => step.id)).toEqual(steps.map((step) => step.id));
  });

  it("posts each handler to its own endpoint under the configured plug-in host", () => {
    const endpoints = solutionServiceEndpoints({ webhookHostUrl: "https://fsi.contoso.com/api" });
    expect(endpoints.map((endpoint) => endpoint.handler)).toEqual(webhookHandlers);
    expect(
      endpoints.slice(0, 4).map((endpoint) => [endpoint.name, endpoint.url, endpoint.contract, endpoint.authType]),
    ).toEqual([
      ["fsi_validate", "https://fsi.contoso.com/api/plugins/webhooks/validate", 8, 5],
      ["fsi_sync-to-scm", "https://fsi.contoso.com/api/plugins/webhooks/sync-to-scm", 8, 5],
      ["fsi_sync-status", "https://fsi.contoso.com/api/plugins/webhooks/sync-status", 8, 5],
      [
        "fsi_inventory-posting-lock",
        "https://fsi.contoso.com/api/plugins/inventory/webhooks/inventory-posting-lock",
        8,
        5,
      ],
    ]);
    expect(solutionServiceEndpoints()[0]?.url).toBe("http://127.0.0.1:8080/plugins/webhooks/validate");
    for (const step of steps) {
      expect(endpoints.find((endpoint) => endpoint.id === step.serviceEndpointId)?.handler).toBe(step.handler);
    }
  });

  it("keeps the ids of what shipped before fixed, so an upgrade updates the same registrations", () => {
    expect(
      solutionServiceEndpoints()
        .slice(0, 3)
        .map((endpoint) => [endpoint.name, endpoint.id]),
    ).toEqual([
      ["fsi_validate", "5e050489-2516-5d61-8baf-f0b715baedbb"],
      ["fsi_sync-to-scm", "0657aa84-07a3-5270-b1f4-ba6d89ec3769"],
      ["fsi_sync-status", "9d32a896-6cbc-538c-827e-328aa283b80c"],
    ]);
  });
});
