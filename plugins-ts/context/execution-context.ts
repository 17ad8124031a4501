/**
 * The typed view of a RemoteExecutionContext a plug-in receives: what ran (message, table, stage,
 * mode), who (user, initiating user), the Target, the images and the shared variables.
 */
import { formatZodError } from "@fsi/core/validation";
import { remoteExecutionContextSchema } from "./remote-execution-context-schema";
import {
  type SdkEntity,
  type SdkEntityReference,
  type SdkValue,
  isSdkEntity,
  isSdkEntityReference,
} from "./sdk-values";

export const PipelineStage = { PreValidation: 10, PreOperation: 20, MainOperation: 30, PostOperation: 40 } as const;

export interface PluginExecutionContext {
  readonly messageName: string;
  readonly primaryEntityName: string;
  readonly primaryEntityId: string;
  readonly stage: number;
  readonly mode: "synchronous" | "asynchronous";
  /** 1 for a user's request; each nested plug-in call adds one. */
  readonly depth: number;
  /** The user the operation runs as (may be impersonated). */
  readonly userId: string;
  /** The user who started the operation, whatever the impersonation: the echo check reads it. */
  readonly initiatingUserId: string;
  readonly correlationId: string;
  readonly organizationName: string;
  readonly inputParameters: Readonly<Record<string, SdkValue>>;
  readonly outputParameters: Readonly<Record<string, SdkValue>>;
  readonly preEntityImages: Readonly<Record<string, SdkEntity>>;
  readonly postEntityImages: Readonly<Record<string, SdkEntity>>;
  readonly sharedVariables: Readonly<Record<string, SdkValue>>;
  /**
   * Dataverse trimmed the context for size (header `x-ms-dynamics-msg-size-exceeded`, over 256 KB):
   * InputParameters, PreEntityImages, PostEntityImages and ParentContext are gone, so a handler
   * reads what it needs from Dataverse (Learn, "Use WebHooks to create external handlers for
   * server events").
   */
  readonly sizeExceeded: boolean;
}

/** The header Dataverse adds when it trimmed the context for size. */
export const SIZE_EXCEEDED_HEADER = "x-ms-dynamics-msg-size-exceeded";

export interface ParseOptions {
  /** The request carried `x-ms-dynamics-msg-size-exceeded`. */
  readonly sizeExceeded?: boolean;
}

/** A RemoteExecutionContext that does not match the documented shape (answered with 400). */
export class InvalidExecutionContextError extends Error {
  override readonly name = "InvalidExecutionContextError";
  readonly code = "INVALID_EXECUTION_CONTEXT";
}

/** Parses webhook JSON into the typed view; throws `InvalidExecutionContextError` naming every problem. */
export function parseExecutionContext(json: unknown, options: ParseOptions = {}): PluginExecutionContext {
  const result = remoteExecutionContextSchema.safeParse(json);
  if (!result.success) throw new InvalidExecutionContextError(formatZodError(result.error, "RemoteExecutionContext"));
  const raw = result.data;
  return {
    messageName: raw.MessageName,
    primaryEntityName: raw.PrimaryEntityName,
    primaryEntityId: raw.PrimaryEntityId.toLowerCase(),
    stage: raw.Stage,
    mode: raw.Mode === 0 ? "synchronous" : "asynchronous",
    depth: raw.Depth,
    userId: raw.UserId.toLowerCase(),
    initiatingUserId: raw.InitiatingUserId.toLowerCase(),
    correlationId: raw.CorrelationId.toLowerCase(),
    organizationName: raw.OrganizationName,
    inputParameters: raw.InputParameters ?? {},
    outputParameters: raw.OutputParameters ?? {},
    preEntityImages: raw.PreEntityImages ?? {},
    postEntityImages: raw.PostEntityImages ?? {},
    sharedVariables: raw.SharedVariables ?? {},
    sizeExceeded: options.sizeExceeded === true,
  };
}

/** The Target of Create/Update (an Entity) or Delete (an EntityReference). */
export function targetOf(context: PluginExecutionContext): SdkEntity | SdkEntityReference | undefined {
  const target = context.inputParameters.Target;
  return isSdkEntity(target) || isSdkEntityReference(target) ? target : undefined;
}

/**
 * An image by alias, or the only image when the step registered one under another alias (the
 * alias is the registrar's choice; ours are `PreImage` and `PostImage`).
 */
export function imageOf(images: Readonly<Record<string, SdkEntity>>, alias: string): SdkEntity | undefined {
  const named = images[alias];
  if (named !== undefined) return named;
  const all = Object.values(images);
  return all.length === 1 ? all[0] : undefined;
}

export const preImageOf = (context: PluginExecutionContext): SdkEntity | undefined =>
  imageOf(context.preEntityImages, "PreImage");
export const postImageOf = (context: PluginExecutionContext): SdkEntity | undefined =>
  imageOf(context.postEntityImages, "PostImage");
