/**
 * The solution's webhook steps (`solution/steps.ts`, what a customer imports) in the shape the
 * plug-in host's registration takes, so the sandbox registers exactly what the zip carries.
 */
import { StepMode } from "../../core";
import type { WebhookStepDefinition } from "../../plugins-ts/registration/webhook-steps";
import { solutionWebhookSteps, type WebhookStepRegistration } from "../../solution/steps";

function stageOf(step: WebhookStepRegistration): WebhookStepDefinition["stage"] {
  if (step.stage === 10 || step.stage === 40) return step.stage;
  throw new Error(`The solution step '${step.name}' runs in stage ${step.stage}; the plug-in host handles PreValidation (10) and PostOperation (40) steps.`);
}

export function solutionStepDefinitions(): WebhookStepDefinition[] {
  return solutionWebhookSteps().map((step) => ({
    name: step.name,
    handler: step.handler,
    message: step.message,
    table: step.primaryEntity,
    stage: stageOf(step),
    mode: step.mode === StepMode.Asynchronous ? "async" : "sync",
    rank: step.rank,
    // The solution writes an Update step without filtering attributes as "any change".
    ...(step.message === "Update" && step.filteringAttributes.length > 0 ? { filteringAttributes: step.filteringAttributes } : {}),
    images: step.images.map((image) => ({ alias: image.entityAlias, type: "pre" as const, attributes: image.attributes })),
  }));
}
