/**
 * The body a webhook step is posted (Learn, "Use WebHooks to create external handlers for server
 * events"): "When the size of the entire HTTP payload exceeds 256KB, the
 * `x-ms-dynamics-msg-size-exceeded` header will be included and the following
 * RemoteExecutionContext properties will be removed: ParentContext, InputParameters,
 * PreEntityImages, PostEntityImages." The header's value is not documented (receivers test for
 * its presence); the emulator sends "true".
 */
import type { RemoteExecutionContext } from "./execution-context";

/** 256 KB: above this many bytes the context is trimmed. */
export const WEBHOOK_PAYLOAD_LIMIT_BYTES = 256 * 1024;

/** The members Dataverse removes from an oversized context. */
export const TRIMMED_MEMBERS = ["ParentContext", "InputParameters", "PreEntityImages", "PostEntityImages"] as const;

export interface WebhookPayload {
  readonly body: string;
  readonly sizeExceeded: boolean;
}

/** `limitBytes` is Dataverse's 256 KB; a test may lower it to trim a payload of ordinary size. */
export function webhookPayload(
  context: RemoteExecutionContext,
  limitBytes = WEBHOOK_PAYLOAD_LIMIT_BYTES,
): WebhookPayload {
  const body = JSON.stringify(context);
  if (Buffer.byteLength(body) <= limitBytes) return { body, sizeExceeded: false };
  const removed = new Set<string>(TRIMMED_MEMBERS);
  const trimmed: RemoteExecutionContext = Object.fromEntries(
    Object.entries(context).filter(([member]) => !removed.has(member)),
  );
  return { body: JSON.stringify(trimmed), sizeExceeded: true };
}
