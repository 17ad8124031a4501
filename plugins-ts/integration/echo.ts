/**
 * Echo suppression: a change the integration itself wrote must not be sent back, or every sync
 * would ping-pong between the systems.
 * - Dataverse → SCM: the operation's InitiatingUserId is the integration's application user, or
 *   SharedVariables["tag"] carries our echo tag (set through the Web API `tag` parameter on every
 *   write we make);
 * - SCM → Dataverse: a data event names no user the integration can match, so the inbound handler
 *   reads SCM's row and writes nothing when Field Service already holds it (scm-to-dataverse.ts).
 */
import type { PluginExecutionContext } from "../context/execution-context";
import type { IntegrationSettings } from "./settings";

export function isDataverseEcho(context: PluginExecutionContext, settings: IntegrationSettings): boolean {
  if (context.initiatingUserId === settings.integrationUserId.toLowerCase()) return true;
  const tag = context.sharedVariables.tag;
  return typeof tag === "string" && tag === settings.echoTag;
}
