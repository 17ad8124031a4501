/**
 * The webhook registrations the solution ships, as data: the service endpoints (one per handler)
 * and the SDK message processing steps of the five integration tables. The generator writes them
 * as `src/SdkMessageProcessingSteps/{id}.xml` and the endpoints into `Other/Customizations.xml`;
 * the sandbox registers exactly these rows in its Dataverse emulator.
 *
 * Why one endpoint per handler: a Dataverse webhook is a service endpoint with one URL, and every
 * step whose event handler it is posts there (Microsoft Learn, "Use webhooks to create external
 * handlers for server events"). The plug-in host routes `/plugins/webhooks/<handler>`, so each
 * handler needs its own endpoint.
 */
import {
  type EntityMap,
  integrationTableNames,
  type IntegrationTableName,
  filteringAttributes,
  mapForTable,
  ServiceEndpointAuthType,
  ServiceEndpointContract,
  StepImageType,
  StepMode,
  StepStage,
} from "../core";
import { defaultWebhookBaseUrl } from "./identity";
import { stableId } from "./ids";

export const webhookHandlers = ["validate", "sync-to-scm", "sync-status"] as const;
export type WebhookHandler = (typeof webhookHandlers)[number];

export type StepMessage = "Create" | "Update" | "Delete";

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
  readonly name: "PreImage";
  readonly entityAlias: "PreImage";
  readonly imageType: typeof StepImageType.PreImage;
  /** Create, Update and Delete all pass the row as `Target`. */
  readonly messagePropertyName: "Target";
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
  readonly primaryEntity: IntegrationTableName;
  readonly stage: (typeof StepStage)[keyof typeof StepStage];
  readonly mode: (typeof StepMode)[keyof typeof StepMode];
  readonly rank: number;
  /** Delete successful async jobs from the system job log (async steps only; failures stay). */
  readonly asyncAutoDelete: boolean;
  /** Update steps only: the step runs when one of these columns is in the request. Empty: any change. */
  readonly filteringAttributes: readonly string[];
  readonly images: readonly WebhookStepImage[];
}

interface HandlerSpec {
  readonly description: string;
  readonly stage: WebhookStepRegistration["stage"];
  readonly mode: WebhookStepRegistration["mode"];
  readonly messages: readonly StepMessage[];
}

const handlerSpecs: Readonly<Record<WebhookHandler, HandlerSpec>> = {
  // PreValidation runs outside the database transaction, before any work is done: the cheapest
  // place to refuse a row SCM would reject.
  validate: {
    description: "Checks the row against Supply Chain Management's rules; a non-2xx reply cancels the operation.",
    stage: StepStage.PreValidation,
    mode: StepMode.Synchronous,
    messages: ["Create", "Update"],
  },
  // PostOperation synchronous runs inside the transaction: SCM refusing the upsert rolls the
  // Dataverse change back, which is what dual-write's two-way consistency needs.
  "sync-to-scm": {
    description: "Writes the change to Supply Chain Management; a non-2xx reply rolls the Dataverse change back.",
    stage: StepStage.PostOperation,
    mode: StepMode.Synchronous,
    messages: ["Create", "Update", "Delete"],
  },
  "sync-status": {
    description: "Records the outcome of the sync in the fsi_ sync status columns.",
    stage: StepStage.PostOperation,
    mode: StepMode.Asynchronous,
    messages: ["Create", "Update"],
  },
};

function integrationMap(table: IntegrationTableName): EntityMap {
  const map = mapForTable(table);
  if (map === undefined) throw new Error(`core/maps has no built-in map for ${table}`);
  return map;
}

/** Every Dataverse column the map reads or writes: company, keys and all column pairs. */
export function mappedColumns(map: EntityMap): string[] {
  return [
    ...new Set([
      map.company.dataverse,
      ...map.keys.map((key) => key.dataverse),
      ...map.columns.map((pair) => pair.dataverse),
    ]),
  ].sort();
}

/** `http://host/plugins/webhooks/` + `validate`. */
export function webhookUrl(baseUrl: string, handler: WebhookHandler): string {
  return new URL(handler, baseUrl.endsWith("/") ? baseUrl : `${baseUrl}/`).toString();
}

export interface WebhookOptions {
  /** Base URL of the webhook receivers; each handler's endpoint is this plus the handler's path. */
  readonly webhookBaseUrl?: string;
}

export function solutionServiceEndpoints(options: WebhookOptions = {}): WebhookServiceEndpoint[] {
  const baseUrl = options.webhookBaseUrl ?? defaultWebhookBaseUrl;
  return webhookHandlers.map((handler) => ({
    id: stableId("serviceendpoint", handler),
    name: `fsi_${handler}`,
    description: handlerSpecs[handler].description,
    handler,
    url: webhookUrl(baseUrl, handler),
    contract: ServiceEndpointContract.Webhook,
    authType: ServiceEndpointAuthType.HttpHeader,
    messageFormat: JsonMessageFormat,
  }));
}

/**
 * The steps: validate (PreValidation, sync; Create, Update), sync-to-scm (PostOperation, sync;
 * Create, Update, Delete), sync-status (PostOperation, async; Create, Update) on each of the five
 * tables. Update steps filter on the columns SCM sees (`filteringAttributes` from core), so
 * writing only our `fsi_` status columns never triggers another sync. Update and Delete carry a
 * pre image of every mapped column: the handlers merge it with Target (Update) or need it to
 * know the natural key of what was deleted (Delete).
 */
export function solutionWebhookSteps(): WebhookStepRegistration[] {
  return webhookHandlers.flatMap((handler) => {
    const spec = handlerSpecs[handler];
    return integrationTableNames.flatMap((table) => {
      const map = integrationMap(table);
      return spec.messages.map((message): WebhookStepRegistration => {
        const id = stableId("step", handler, message, table);
        return {
          id,
          name: `fsi_${handler}: ${message} of ${table}`,
          description: spec.description,
          handler,
          serviceEndpointId: stableId("serviceendpoint", handler),
          message,
          sdkMessageId: sdkMessageIds[message],
          primaryEntity: table,
          stage: spec.stage,
          mode: spec.mode,
          rank: 1,
          asyncAutoDelete: spec.mode === StepMode.Asynchronous,
          filteringAttributes: message === "Update" ? filteringAttributes(map) : [],
          images:
            message === "Create"
              ? []
              : [
                  {
                    id: stableId("stepimage", handler, message, table, "PreImage"),
                    name: "PreImage",
                    entityAlias: "PreImage",
                    imageType: StepImageType.PreImage,
                    messagePropertyName: "Target",
                    attributes: mappedColumns(map),
                  },
                ],
        };
      });
    });
  });
}
