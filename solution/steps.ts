/**
 * The webhook registrations the solution ships, as solution components: the service endpoints (one
 * per handler) and the SDK message processing steps. Which steps exist — handler, message, table,
 * stage, mode, filtering, images — is core's list (`core/registration/webhook-steps.ts`), the same
 * the plug-in host registers through the Web API and the sandbox registers in its emulator; this
 * file adds what a solution needs: stable ids, message ids, endpoint URLs. The generator writes
 * the steps as `src/SdkMessageProcessingSteps/{id}.xml` and the endpoints into
 * `Other/Customizations.xml`.
 *
 * Why one endpoint per handler: a Dataverse webhook is a service endpoint with one URL, and every
 * step whose event handler it is posts there (Microsoft Learn, "Use webhooks to create external
 * handlers for server events"). The plug-in host routes `/plugins/webhooks/<handler>` and
 * `/plugins/inventory/webhooks/<handler>`, so each handler needs its own endpoint.
 */
import {
  builtInFlowMaps,
  builtInMaps,
  integrationHandlers,
  integrationWebhookSteps,
  inventoryHandlers,
  inventoryWebhookSteps,
  imageMessageProperty,
  inventoryModesOf,
  ServiceEndpointAuthType,
  ServiceEndpointContract,
  StepImageType,
  StepMode,
  type WebhookHandlerName,
  type WebhookMessage,
  type WebhookStepDefinition,
  webhookUrl,
} from "@fsi/core";
import { defaultWebhookHostUrl } from "./identity";
import { stableId } from "./ids";

export const webhookHandlers: readonly WebhookHandlerName[] = [...integrationHandlers, ...inventoryHandlers];
export type WebhookHandler = WebhookHandlerName;

export type StepMessage = WebhookMessage;

/**
 * `sdkmessageid` of the platform messages: the same in every environment, which is why an exported
 * step can name its message by id (Microsoft Learn, "Use messages with the SDK for .NET").
 */
export const sdkMessageIds: Readonly<Record<StepMessage, string>> = {
  Create: "9ebdbb1b-ea3e-db11-86a7-000a3a5473e8",
  Update: "20bebb1b-ea3e-db11-86a7-000a3a5473e8",
  Delete: "a1bdbb1b-ea3e-db11-86a7-000a3a5473e8",
};

/** `EventHandlerTypeCode` of a step whose handler is a service endpoint (the serviceendpoint table's type code). */
export const serviceEndpointTypeCode = 4618;

/** `serviceendpoint.messageformat`: webhooks post JSON. */
export const JsonMessageFormat = 2;

export interface WebhookServiceEndpoint {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly handler: WebhookHandler;
  readonly url: string;
  readonly contract: typeof ServiceEndpointContract.Webhook;
  /** The header's name and value are set per environment; Dataverse never exports them. */
  readonly authType: typeof ServiceEndpointAuthType.HttpHeader;
  readonly messageFormat: typeof JsonMessageFormat;
}

export interface WebhookStepImage {
  readonly id: string;
  readonly name: "PreImage" | "PostImage";
  readonly entityAlias: "PreImage" | "PostImage";
  readonly imageType: (typeof StepImageType)["PreImage" | "PostImage"];
  readonly messagePropertyName: "Id" | "Target";
  readonly attributes: readonly string[];
}

export interface WebhookStepRegistration {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly handler: WebhookHandler;
  readonly serviceEndpointId: string;
  readonly message: StepMessage;
  readonly sdkMessageId: string;
  /** Logical name of the table. */
  readonly primaryEntity: string;
  readonly stage: WebhookStepDefinition["stage"];
  readonly mode: (typeof StepMode)[keyof typeof StepMode];
  readonly rank: number;
  /** Delete successful async jobs from the system job log (async steps only; failures stay). */
  readonly asyncAutoDelete: boolean;
  /** Update steps only: the step runs when one of these columns is in the request. Empty: any change. */
  readonly filteringAttributes: readonly string[];
  readonly images: readonly WebhookStepImage[];
}

const handlerDescriptions: Readonly<Record<WebhookHandler, string>> = {
  // PreValidation runs outside the database transaction, before any work is done: the cheapest
  // place to refuse a row SCM would reject.
  validate: "Checks the row against Supply Chain Management's rules; a non-2xx reply cancels the operation.",
  // PostOperation synchronous runs inside the transaction: SCM refusing the upsert rolls the
  // Dataverse change back, which is what dual-write's two-way consistency needs.
  "sync-to-scm": "Writes the change to Supply Chain Management; a non-2xx reply rolls the Dataverse change back.",
  "sync-status": "Records the outcome of the sync in the fsi_ sync status columns.",
  "inventory-posting-lock": "Locks posted inventory adjustments and transfers and their products.",
  "inventory-post": "Posts an inventory adjustment or transfer to Supply Chain Management as a journal.",
  "work-order-project":
    "Allows only in-process time and material projects of the work order's company, until the work order passes In Progress.",
  "work-order-sales-order":
    "Sends a completed work order's products and services to Supply Chain Management with its project.",
};

/** Every step of the integration: the built-in maps' and the inventory maps' in their shipped modes (every map live). */
export function webhookStepDefinitions(): WebhookStepDefinition[] {
  return [...integrationWebhookSteps(builtInMaps), ...inventoryWebhookSteps(inventoryModesOf(builtInFlowMaps))];
}

export interface WebhookOptions {
  /** Origin (and path, if any) of the plug-in host; each handler's endpoint adds its `/plugins/...` path. */
  readonly webhookHostUrl?: string;
}

/** The name of the handler's service endpoint in the solution (what `fsi setup` finds it by after import). */
export function solutionEndpointName(handler: WebhookHandler): string {
  return `fsi_${handler}`;
}

export function solutionServiceEndpoints(options: WebhookOptions = {}): WebhookServiceEndpoint[] {
  const hostUrl = options.webhookHostUrl ?? defaultWebhookHostUrl;
  return webhookHandlers.map((handler) => ({
    id: stableId("serviceendpoint", handler),
    name: solutionEndpointName(handler),
    description: handlerDescriptions[handler],
    handler,
    url: webhookUrl(hostUrl, handler),
    contract: ServiceEndpointContract.Webhook,
    authType: ServiceEndpointAuthType.HttpHeader,
    messageFormat: JsonMessageFormat,
  }));
}

const imageTypes = { pre: StepImageType.PreImage, post: StepImageType.PostImage } as const;

/** The steps as solution components, in core's order, with ids that never change between builds. */
export function solutionWebhookSteps(): WebhookStepRegistration[] {
  return webhookStepDefinitions().map((step): WebhookStepRegistration => {
    const mode = step.mode === "async" ? StepMode.Asynchronous : StepMode.Synchronous;
    return {
      id: stableId("step", step.handler, step.message, step.table),
      name: step.name,
      description: handlerDescriptions[step.handler],
      handler: step.handler,
      serviceEndpointId: stableId("serviceendpoint", step.handler),
      message: step.message,
      sdkMessageId: sdkMessageIds[step.message],
      primaryEntity: step.table,
      stage: step.stage,
      mode,
      rank: step.rank,
      asyncAutoDelete: mode === StepMode.Asynchronous,
      filteringAttributes: step.filteringAttributes ?? [],
      images: step.images.map((image) => ({
        id: stableId("stepimage", step.handler, step.message, step.table, image.alias),
        name: image.alias,
        entityAlias: image.alias,
        imageType: imageTypes[image.type],
        messagePropertyName: imageMessageProperty(step.message),
        attributes: image.attributes,
      })),
    };
  });
}
