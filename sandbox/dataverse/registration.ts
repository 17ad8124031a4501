/**
 * Registers a webhook and its steps the way the Plug-in Registration tool or a solution import
 * does: as `serviceendpoint`, `sdkmessageprocessingstep` and `sdkmessageprocessingstepimage` rows
 * created through the Web API (each request goes through the emulator's own request handling).
 * The sandbox uses it to register the solution's step definitions.
 */
import {
  ServiceEndpointAuthType,
  ServiceEndpointContract,
  StepImageType,
  StepMode,
  type TableDefinition,
} from "@fsi/core";
import type { ApiResponse } from "./api";
import type { DataverseEmulator } from "./emulator";
import { stableId, type StepMessageName } from "./pipeline/registrations";

export interface WebhookEndpointSpec {
  readonly name: string;
  readonly url: string;
  readonly auth?:
    | { readonly type: "WebhookKey"; readonly key: string }
    | { readonly type: "HttpHeader" | "HttpQueryString"; readonly values: Readonly<Record<string, string>> };
}

export interface WebhookStepSpec {
  readonly name: string;
  readonly message: StepMessageName;
  readonly table: TableDefinition;
  readonly stage: 10 | 20 | 40;
  readonly mode?: "sync" | "async";
  readonly rank?: number;
  readonly filteringAttributes?: readonly string[];
  readonly asyncAutoDelete?: boolean;
  readonly images?: readonly {
    readonly alias: string;
    readonly type: "pre" | "post" | "both";
    readonly attributes?: readonly string[];
  }[];
}

export interface RegisteredWebhook {
  readonly endpointId: string;
  readonly stepIds: readonly string[];
}

function escapeXml(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll('"', "&quot;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}

function authFields(auth: WebhookEndpointSpec["auth"]): Record<string, unknown> {
  if (auth === undefined) return {};
  if (auth.type === "WebhookKey") return { authtype: ServiceEndpointAuthType.WebhookKey, authvalue: auth.key };
  const settings = Object.entries(auth.values)
    .map(([name, value]) => `<setting name="${escapeXml(name)}" value="${escapeXml(value)}" />`)
    .join("");
  return { authtype: ServiceEndpointAuthType[auth.type], authvalue: `<settings>${settings}</settings>` };
}

/** Create's images come from the new row's `Id`, Update's and Delete's from `Target`; the bulk messages' from `Ids` and `Targets`. */
function imageMessageProperty(message: StepMessageName): string {
  switch (message) {
    case "Create":
      return "Id";
    case "CreateMultiple":
      return "Ids";
    case "UpdateMultiple":
      return "Targets";
    default:
      return "Target";
  }
}

const imageTypes = { pre: StepImageType.PreImage, post: StepImageType.PostImage, both: StepImageType.Both } as const;

export class RegistrationError extends Error {
  constructor(
    readonly what: string,
    readonly response: ApiResponse,
  ) {
    super(`Registering ${what} failed with HTTP ${response.status}: ${response.body}`);
    this.name = "RegistrationError";
  }
}

export async function registerWebhook(
  emulator: DataverseEmulator,
  endpoint: WebhookEndpointSpec,
  steps: readonly WebhookStepSpec[],
  baseUrl = "http://localhost/api/data/v9.2/",
): Promise<RegisteredWebhook> {
  const post = async (what: string, entitySet: string, body: Record<string, unknown>): Promise<string> => {
    const response = await emulator.handle({
      method: "POST",
      path: entitySet,
      query: new URLSearchParams(),
      headers: { authorization: "Bearer sandbox-registration", "content-type": "application/json" },
      body: JSON.stringify(body),
      baseUrl,
    });
    const entityId = response.headers["odata-entityid"];
    const id = entityId === undefined ? undefined : /\(([0-9a-f-]{36})\)$/.exec(entityId)?.[1];
    if (response.status !== 204 || id === undefined) throw new RegistrationError(what, response);
    return id;
  };
  const endpointId = await post(`the endpoint '${endpoint.name}'`, "serviceendpoints", {
    name: endpoint.name,
    contract: ServiceEndpointContract.Webhook,
    url: endpoint.url,
    messageformat: 2,
    ...authFields(endpoint.auth),
  });
  const stepIds: string[] = [];
  for (const step of steps) {
    const stepId = await post(`the step '${step.name}'`, "sdkmessageprocessingsteps", {
      name: step.name,
      stage: step.stage,
      mode: step.mode === "async" ? StepMode.Asynchronous : StepMode.Synchronous,
      rank: step.rank ?? 1,
      filteringattributes: step.filteringAttributes?.join(",") ?? null,
      asyncautodelete: step.asyncAutoDelete ?? false,
      supporteddeployment: 0,
      "sdkmessageid@odata.bind": `/sdkmessages(${stableId(`sdkmessage:${step.message}`)})`,
      "sdkmessagefilterid@odata.bind": `/sdkmessagefilters(${stableId(`sdkmessagefilter:${step.message}:${step.table.logicalName}`)})`,
      "eventhandler_serviceendpoint@odata.bind": `/serviceendpoints(${endpointId})`,
    });
    for (const image of step.images ?? []) {
      await post(`the image '${image.alias}' of '${step.name}'`, "sdkmessageprocessingstepimages", {
        name: image.alias,
        entityalias: image.alias,
        imagetype: imageTypes[image.type],
        attributes: image.attributes?.join(",") ?? null,
        messagepropertyname: imageMessageProperty(step.message),
        "sdkmessageprocessingstepid@odata.bind": `/sdkmessageprocessingsteps(${stepId})`,
      });
    }
    stepIds.push(stepId);
  }
  return { endpointId, stepIds };
}
