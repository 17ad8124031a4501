import { filteringAttributes, integrationTableNames, mapForTable, StepMode, StepStage } from "../../core";
import { mappedColumns, solutionServiceEndpoints, solutionWebhookSteps, type WebhookStepRegistration } from "../steps";

const steps = solutionWebhookSteps();

function stepsOf(handler: WebhookStepRegistration["handler"]) {
  return steps.filter((step) => step.handler === handler);
}

function coverage(handler: WebhookStepRegistration["handler"]): string[] {
  return stepsOf(handler)
    .map((step) => `${step.message} ${step.primaryEntity}`)
    .sort();
}

function expectedCoverage(messages: readonly string[]): string[] {
  return messages.flatMap((message) => integrationTableNames.map((table) => `${message} ${table}`)).sort();
}

describe("webhook registrations", () => {
  it("validates Create and Update of the five tables synchronously in PreValidation", () => {
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

  it("records the sync status asynchronously in PostOperation on Create and Update", () => {
    expect(coverage("sync-status")).toEqual(expectedCoverage(["Create", "Update"]));
    for (const step of stepsOf("sync-status")) {
      expect([step.stage, step.mode]).toEqual([StepStage.PostOperation, StepMode.Asynchronous]);
    }
  });

  it("filters Update steps on the map's columns from core, and never on the sync status columns (no sync loop)", () => {
    const statusColumns = ["fsi_scmsyncstatus", "fsi_scmlastsyncedon", "fsi_scmlasterror"];
    for (const step of steps) {
      const map = mapForTable(step.primaryEntity);
      expect(map).toBeDefined();
      if (map === undefined) continue;
      expect(step.filteringAttributes).toEqual(step.message === "Update" ? filteringAttributes(map) : []);
      expect(step.filteringAttributes.filter((column) => statusColumns.includes(column))).toEqual([]);
    }
    expect(
      stepsOf("sync-to-scm").find((step) => step.message === "Update" && step.primaryEntity === "msdyn_warehouse")
        ?.filteringAttributes,
    ).toContain("msdyn_primaryaddresslatitude");
  });

  it("sends a PreImage of every mapped column on Update and Delete, none on Create", () => {
    for (const step of steps) {
      const map = mapForTable(step.primaryEntity);
      if (map === undefined) throw new Error(`no map for ${step.primaryEntity}`);
      if (step.message === "Create") expect(step.images).toEqual([]);
      else {
        expect(
          step.images.map((image) => [image.name, image.entityAlias, image.imageType, image.messagePropertyName]),
        ).toEqual([["PreImage", "PreImage", 0, "Target"]]);
        expect(step.images[0]?.attributes).toEqual(mappedColumns(map));
        expect(step.images[0]?.attributes).toContain("msdyn_company");
      }
    }
  });

  it("gives every step and image a distinct id that does not change between calls", () => {
    const ids = steps.flatMap((step) => [step.id, ...step.images.map((image) => image.id)]);
    expect(new Set(ids).size).toBe(ids.length);
    expect(solutionWebhookSteps().map((step) => step.id)).toEqual(steps.map((step) => step.id));
  });

  it("posts each handler to its own endpoint under the configured base URL", () => {
    const endpoints = solutionServiceEndpoints({ webhookBaseUrl: "https://fsi.contoso.com/api/plugins/webhooks" });
    expect(endpoints.map((endpoint) => [endpoint.name, endpoint.url, endpoint.contract, endpoint.authType])).toEqual([
      ["fsi_validate", "https://fsi.contoso.com/api/plugins/webhooks/validate", 8, 5],
      ["fsi_sync-to-scm", "https://fsi.contoso.com/api/plugins/webhooks/sync-to-scm", 8, 5],
      ["fsi_sync-status", "https://fsi.contoso.com/api/plugins/webhooks/sync-status", 8, 5],
    ]);
    expect(solutionServiceEndpoints()[0]?.url).toBe("http://127.0.0.1:8080/plugins/webhooks/validate");
    for (const step of steps) {
      expect(endpoints.find((endpoint) => endpoint.id === step.serviceEndpointId)?.handler).toBe(step.handler);
    }
  });

  it("keeps the endpoint ids fixed, so an upgrade updates the same registrations", () => {
    expect(solutionServiceEndpoints().map((endpoint) => [endpoint.name, endpoint.id])).toEqual([
      ["fsi_validate", "5e050489-2516-5d61-8baf-f0b715baedbb"],
      ["fsi_sync-to-scm", "0657aa84-07a3-5270-b1f4-ba6d89ec3769"],
      ["fsi_sync-status", "9d32a896-6cbc-538c-827e-328aa283b80c"],
    ]);
  });
});
