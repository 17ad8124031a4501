/**
 * Plug-in registration tables: how Dataverse registers webhook steps. A service endpoint (contract
 * Webhook) receives the execution context of every step whose event handler it is; a step names a
 * message (`sdkmessage`), a table (through `sdkmessagefilter`), a stage and a mode; step images
 * name the columns sent as pre/post images. The Web API emulator runs its pipeline from these rows,
 * so a solution registers its steps exactly as it would in a real environment.
 *
 * Source: Microsoft Learn, "ServiceEndpoint table/entity reference", "SdkMessageProcessingStep
 * table/entity reference", "Register a WebHook".
 */
import { choice, lookup, memo, text, whole, yesNo } from "../columns";
import { defineTable } from "../define-table";

/** `serviceendpoint.contract`; webhooks are 8. */
export const ServiceEndpointContract = { OneWay: 1, Queue: 2, Rest: 3, TwoWay: 4, Topic: 5, Webhook: 8 } as const;

/** `serviceendpoint.authtype` values a webhook can use. */
export const ServiceEndpointAuthType = { WebhookKey: 4, HttpHeader: 5, HttpQueryString: 6 } as const;

/** `sdkmessageprocessingstep.stage`: the pipeline stages a registered step can run in. */
export const StepStage = { PreValidation: 10, PreOperation: 20, PostOperation: 40 } as const;

/** `sdkmessageprocessingstep.mode`. */
export const StepMode = { Synchronous: 0, Asynchronous: 1 } as const;

/** `sdkmessageprocessingstepimage.imagetype`. */
export const StepImageType = { PreImage: 0, PostImage: 1, Both: 2 } as const;

export const sdkMessage = defineTable({
  logicalName: "sdkmessage",
  entitySetName: "sdkmessages",
  displayName: "Sdk Message",
  primaryIdAttribute: "sdkmessageid",
  primaryNameAttribute: "name",
  columns: {
    name: text("Name", 256, { required: true, createOnly: true }),
  },
  alternateKeys: [{ name: "sdkmessagenamekey", columns: ["name"] }],
});

export const sdkMessageFilter = defineTable({
  logicalName: "sdkmessagefilter",
  entitySetName: "sdkmessagefilters",
  displayName: "Sdk Message Filter",
  primaryIdAttribute: "sdkmessagefilterid",
  primaryNameAttribute: "name",
  columns: {
    name: text("Name", 256),
    sdkmessageid: lookup("SDK Message", "sdkmessage", { required: true, createOnly: true }),
    /** The table's logical name (an EntityName column in Dataverse). */
    primaryobjecttypecode: text("Primary Object Type Code", 100, { required: true, createOnly: true }),
    secondaryobjecttypecode: text("Secondary Object Type Code", 100),
  },
  alternateKeys: [],
});

export const serviceEndpoint = defineTable({
  logicalName: "serviceendpoint",
  entitySetName: "serviceendpoints",
  displayName: "Service Endpoint",
  primaryIdAttribute: "serviceendpointid",
  primaryNameAttribute: "name",
  columns: {
    name: text("Name", 256, { required: true }),
    description: memo("Description", 2000),
    contract: choice(
      "Contract",
      [
        { value: ServiceEndpointContract.OneWay, label: "OneWay" },
        { value: ServiceEndpointContract.Queue, label: "Queue" },
        { value: ServiceEndpointContract.Rest, label: "Rest" },
        { value: ServiceEndpointContract.TwoWay, label: "TwoWay" },
        { value: ServiceEndpointContract.Topic, label: "Topic" },
        { value: ServiceEndpointContract.Webhook, label: "Webhook" },
      ],
      { required: true },
    ),
    url: text("Url Address", 2000),
    authtype: choice("Authentication Type", [
      { value: ServiceEndpointAuthType.WebhookKey, label: "Webhook Key" },
      { value: ServiceEndpointAuthType.HttpHeader, label: "Http Header" },
      { value: ServiceEndpointAuthType.HttpQueryString, label: "Http Query String" },
    ]),
    /**
     * The key for WebhookKey; for HttpHeader and HttpQueryString an XML list
     * `<settings><setting name="k" value="v" /></settings>`. Never readable back.
     */
    authvalue: text("Authentication Value", 2048, { secret: true }),
    /** Set by the platform: whether `authvalue` holds a value (the one way to tell, `authvalue` being unreadable). */
    isauthvalueset: { type: "boolean", displayName: "Is Auth Value Set", readOnly: true },
    messageformat: choice("Message Format", [
      { value: 1, label: "Binary XML" },
      { value: 2, label: "Json" },
      { value: 3, label: "Text XML" },
    ]),
  },
  alternateKeys: [],
});

export const sdkMessageProcessingStep = defineTable({
  logicalName: "sdkmessageprocessingstep",
  entitySetName: "sdkmessageprocessingsteps",
  displayName: "Sdk Message Processing Step",
  primaryIdAttribute: "sdkmessageprocessingstepid",
  primaryNameAttribute: "name",
  columns: {
    name: text("Name", 256, { required: true }),
    description: text("Description", 256),
    sdkmessageid: lookup("SDK Message", "sdkmessage", { required: true }),
    sdkmessagefilterid: lookup("SdkMessage Filter", "sdkmessagefilter"),
    /** Polymorphic in Dataverse (plug-in type or service endpoint); webhooks bind the endpoint. */
    eventhandler: lookup("Event Handler", "serviceendpoint", { required: true, nav: "eventhandler_serviceendpoint" }),
    stage: choice(
      "Execution Stage",
      [
        { value: StepStage.PreValidation, label: "Pre-validation" },
        { value: StepStage.PreOperation, label: "Pre-operation" },
        { value: StepStage.PostOperation, label: "Post-operation" },
      ],
      { required: true },
    ),
    mode: choice("Execution Mode", [
      { value: StepMode.Synchronous, label: "Synchronous" },
      { value: StepMode.Asynchronous, label: "Asynchronous" },
    ]),
    rank: whole("Execution Order"),
    /** Comma-separated columns; an Update step runs only when one of them is in the request. */
    filteringattributes: memo("Filtering Attributes", 100000),
    asyncautodelete: yesNo("Asynchronous Automatic Delete"),
    supporteddeployment: choice("Deployment", [
      { value: 0, label: "Server Only" },
      { value: 1, label: "Microsoft Dynamics 365 Client for Outlook Only" },
      { value: 2, label: "Both" },
    ]),
    statecode: {
      type: "state",
      displayName: "Status",
      options: [
        { value: 0, label: "Enabled" },
        { value: 1, label: "Disabled" },
      ],
    },
    statuscode: {
      type: "status",
      displayName: "Status Reason",
      options: [
        { value: 1, label: "Enabled" },
        { value: 2, label: "Disabled" },
      ],
    },
  },
  alternateKeys: [],
});

export const sdkMessageProcessingStepImage = defineTable({
  logicalName: "sdkmessageprocessingstepimage",
  entitySetName: "sdkmessageprocessingstepimages",
  displayName: "Sdk Message Processing Step Image",
  primaryIdAttribute: "sdkmessageprocessingstepimageid",
  primaryNameAttribute: "name",
  columns: {
    name: text("Name", 256),
    sdkmessageprocessingstepid: lookup("SDK Message Processing Step", "sdkmessageprocessingstep", { required: true }),
    imagetype: choice(
      "Image Type",
      [
        { value: StepImageType.PreImage, label: "PreImage" },
        { value: StepImageType.PostImage, label: "PostImage" },
        { value: StepImageType.Both, label: "Both" },
      ],
      { required: true },
    ),
    /** The key of the image in PreEntityImages / PostEntityImages. */
    entityalias: text("Entity Alias", 256, { required: true }),
    /** Comma-separated columns; empty means all columns. */
    attributes: memo("Attributes", 100000),
    /** `Target` (Update, Delete) or `Id` (Create). */
    messagepropertyname: text("Message Property Name", 256),
  },
  alternateKeys: [],
});
