/**
 * Webhook registrations as solution XML: `SdkMessageProcessingSteps/{id}.xml` (one file per step,
 * as SolutionPackager unpacks them) and the `ServiceEndpoint` elements of customizations.xml.
 * Element order follows CustomizationsSolution.xsd, whose step and endpoint types are sequences.
 */
import { introducedVersion } from "../identity";
import { braced } from "../ids";
import { serviceEndpointTypeCode, type WebhookServiceEndpoint, type WebhookStepRegistration } from "../steps";
import { el, textEl, xsiNamespace, type XmlElement } from "../xml";

/** `serviceendpoint.connectionmode` Normal and `userclaim` None: what a webhook registration uses. */
const normalConnectionMode = 1;
const noUserClaim = 1;

export function stepXml(step: WebhookStepRegistration): XmlElement {
  return el(
    "SdkMessageProcessingStep",
    { Name: step.name, SdkMessageProcessingStepId: braced(step.id), "xmlns:xsi": xsiNamespace },
    [
      textEl("PrimaryEntity", step.primaryEntity),
      textEl("AsyncAutoDelete", step.asyncAutoDelete ? 1 : 0),
      textEl("Description", step.description),
      step.filteringAttributes.length === 0
        ? undefined
        : textEl("FilteringAttributes", step.filteringAttributes.join(",")),
      // 0: the step runs for every caller (InvocationSource "parent").
      textEl("InvocationSource", 0),
      textEl("Mode", step.mode),
      textEl("Rank", step.rank),
      textEl("SdkMessageId", step.sdkMessageId),
      textEl("EventHandler", braced(step.serviceEndpointId)),
      textEl("EventHandlerTypeCode", serviceEndpointTypeCode),
      textEl("Stage", step.stage),
      textEl("IsCustomizable", 1),
      textEl("IsHidden", 0),
      // 0: server only.
      textEl("SupportedDeployment", 0),
      textEl("IntroducedVersion", introducedVersion),
      step.images.length === 0
        ? undefined
        : el(
            "SdkMessageProcessingStepImages",
            {},
            step.images.map((image) =>
              el("SdkMessageProcessingStepImage", { Name: image.name }, [
                textEl("SdkMessageProcessingStepImageId", braced(image.id)),
                textEl("Attributes", image.attributes.join(",")),
                textEl("EntityAlias", image.entityAlias),
                textEl("ImageType", image.imageType),
                textEl("MessagePropertyName", image.messagePropertyName),
                textEl("IsCustomizable", 1),
                textEl("IntroducedVersion", introducedVersion),
              ]),
            ),
          ),
    ],
  );
}

export function stepPath(step: Pick<WebhookStepRegistration, "id">): string {
  return `SdkMessageProcessingSteps/${braced(step.id)}.xml`;
}

export function serviceEndpointXml(endpoint: WebhookServiceEndpoint): XmlElement {
  return el("ServiceEndpoint", { ServiceEndpointId: braced(endpoint.id), Name: endpoint.name }, [
    textEl("ConnectionMode", normalConnectionMode),
    textEl("Contract", endpoint.contract),
    textEl("Description", endpoint.description),
    textEl("UserClaim", noUserClaim),
    textEl("IsCustomizable", 1),
    textEl("AuthType", endpoint.authType),
    textEl("MessageFormat", endpoint.messageFormat),
    textEl("Url", endpoint.url),
  ]);
}
