/**
 * Registers the integration's webhook steps in a Dataverse environment through the Web API, as the
 * Plug-in Registration tool does: one service endpoint (contract Webhook) per handler, its steps
 * (`sdkmessageprocessingstep`, bound to the message's `sdkmessage` and the table's
 * `sdkmessagefilter`) and their images. Idempotent: endpoints and steps are found by name and
 * updated, images replaced, so it can run at every start. Needs a user allowed to customise the
 * system (System Customizer), not the integration user.
 *
 * Source: Learn, "Register a WebHook", ServiceEndpoint / SdkMessageProcessingStep /
 * SdkMessageProcessingStepImage table references.
 */
import {
  ServiceEndpointAuthType,
  ServiceEndpointContract,
  StepImageType,
  StepMode,
  sdkMessage,
  sdkMessageFilter,
  sdkMessageProcessingStep,
  sdkMessageProcessingStepImage,
  serviceEndpoint,
} from "@fsi/core/dataverse/tables";
import type { DataverseRecord } from "@fsi/core/dataverse/record";
import type { WebhookAuth } from "../http-kit/auth/webhook-key";
import type { DataverseClient } from "../services/dataverse-client";
import {
  type WebhookHandlerName,
  type WebhookStepDefinition,
  imageMessageProperty,
  webhookUrl,
} from "@fsi/core/registration";

export interface WebhookRegistration {
  /** Where Dataverse reaches the host (`https://fsi-plugins.azurewebsites.net`). */
  readonly hostUrl: string;
  /**
   * The key the endpoints send. Omitted: endpoints are created as a solution import leaves them
   * (HttpHeader, no key) and an existing endpoint's key is left as it is — `fsi setup` sets it.
   */
  readonly auth?: WebhookAuth;
  readonly steps: readonly WebhookStepDefinition[];
  /** Endpoint names are `<prefix> <handler>`; default `FSI`. */
  readonly namePrefix?: string;
  /** The endpoint's name for a handler, when not `<prefix> <handler>` (the solution's `fsi_<handler>`). */
  readonly endpointName?: (handler: WebhookHandlerName) => string;
}

export interface RegisteredWebhooks {
  /** Step ids by handler (the handlers the registration's steps name). */
  readonly stepIds: Readonly<Partial<Record<WebhookHandlerName, readonly string[]>>>;
}

export class WebhookRegistrationError extends Error {
  override readonly name = "WebhookRegistrationError";
  readonly code = "REGISTRATION_FAILED";
}

function escapeXml(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll('"', "&quot;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}

/** The endpoint's authentication columns and the URL it is called at (WebhookKey puts `?code=` itself). */
export function endpointAuth(auth: WebhookAuth): DataverseRecord {
  switch (auth.kind) {
    case "WebhookKey":
      return { authtype: ServiceEndpointAuthType.WebhookKey, authvalue: auth.key };
    case "HttpHeader":
      return {
        authtype: ServiceEndpointAuthType.HttpHeader,
        authvalue: `<settings><setting name="${escapeXml(auth.headerName)}" value="${escapeXml(auth.key)}" /></settings>`,
      };
    case "HttpQueryString":
      return {
        authtype: ServiceEndpointAuthType.HttpQueryString,
        authvalue: `<settings><setting name="${escapeXml(auth.parameterName)}" value="${escapeXml(auth.key)}" /></settings>`,
      };
  }
}

const imageTypes = { pre: StepImageType.PreImage, post: StepImageType.PostImage } as const;

export async function registerWebhookSteps(
  dataverse: DataverseClient,
  registration: WebhookRegistration,
): Promise<RegisteredWebhooks> {
  const prefix = registration.namePrefix ?? "FSI";
  const stepIds: Partial<Record<WebhookHandlerName, string[]>> = {};
  const messageIds = new Map<string, string>();
  const messageId = async (name: string): Promise<string> => {
    const known = messageIds.get(name);
    if (known !== undefined) return known;
    const found = await dataverse.findByKey(sdkMessage, { name }, ["name"]);
    if (found === undefined) throw new WebhookRegistrationError(`Dataverse has no sdkmessage '${name}'.`);
    messageIds.set(name, found.id);
    return found.id;
  };

  for (const handler of [...new Set(registration.steps.map((step) => step.handler))]) {
    const handlerStepIds: string[] = [];
    stepIds[handler] = handlerStepIds;
    const endpointName = registration.endpointName?.(handler) ?? `${prefix} ${handler}`;
    const endpoint: DataverseRecord = {
      name: endpointName,
      contract: ServiceEndpointContract.Webhook,
      url: webhookUrl(registration.hostUrl, handler),
      messageformat: 2,
      ...(registration.auth === undefined ? {} : endpointAuth(registration.auth)),
    };
    const existingEndpoint = await dataverse.findByKey(serviceEndpoint, { name: endpointName }, ["name"]);
    if (existingEndpoint === undefined && registration.auth === undefined)
      endpoint.authtype = ServiceEndpointAuthType.HttpHeader;
    const endpointId = existingEndpoint?.id ?? (await dataverse.create(serviceEndpoint, endpoint));
    if (existingEndpoint !== undefined) await dataverse.update(serviceEndpoint, endpointId, endpoint);

    for (const step of registration.steps.filter((candidate) => candidate.handler === handler)) {
      const message = await messageId(step.message);
      const filter = await dataverse.findByKey(
        sdkMessageFilter,
        { sdkmessageid: { id: message, logicalName: "sdkmessage" }, primaryobjecttypecode: step.table },
        ["name"],
      );
      if (filter === undefined)
        throw new WebhookRegistrationError(`Dataverse has no sdkmessagefilter for ${step.message} of ${step.table}.`);
      const record: DataverseRecord = {
        name: step.name,
        stage: step.stage,
        mode: step.mode === "async" ? StepMode.Asynchronous : StepMode.Synchronous,
        rank: step.rank,
        filteringattributes: step.filteringAttributes?.join(",") ?? null,
        // A failed async job stays visible (Settings > System Jobs) for troubleshooting.
        asyncautodelete: false,
        supporteddeployment: 0,
        sdkmessageid: { id: message, logicalName: "sdkmessage" },
        sdkmessagefilterid: { id: filter.id, logicalName: "sdkmessagefilter" },
        eventhandler: { id: endpointId, logicalName: "serviceendpoint" },
      };
      const existingStep = await dataverse.findByKey(sdkMessageProcessingStep, { name: step.name }, ["name"]);
      const stepId = existingStep?.id ?? (await dataverse.create(sdkMessageProcessingStep, record));
      if (existingStep !== undefined) {
        await dataverse.update(sdkMessageProcessingStep, stepId, record);
        for (const image of await dataverse.findAll(
          sdkMessageProcessingStepImage,
          { sdkmessageprocessingstepid: { id: stepId, logicalName: "sdkmessageprocessingstep" } },
          ["name"],
        )) {
          await dataverse.delete(sdkMessageProcessingStepImage, image.id);
        }
      }
      for (const image of step.images) {
        await dataverse.create(sdkMessageProcessingStepImage, {
          name: image.alias,
          entityalias: image.alias,
          imagetype: imageTypes[image.type],
          attributes: image.attributes.join(","),
          messagepropertyname: imageMessageProperty(step.message),
          sdkmessageprocessingstepid: { id: stepId, logicalName: "sdkmessageprocessingstep" },
        });
      }
      handlerStepIds.push(stepId);
    }
  }
  return { stepIds };
}
