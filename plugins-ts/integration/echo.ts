/**
 * Echo suppression: a change the integration itself wrote must not be sent back, or every sync
 * would ping-pong between the systems. Two markers each way:
 * - Dataverse → SCM: the operation's InitiatingUserId is the integration's application user, or
 *   SharedVariables["tag"] carries our echo tag (set through the Web API `tag` parameter on every
 *   write we make);
 * - SCM → Dataverse: the business event's InitiatingUser is the integration's SCM user.
 */
import type { ScmBusinessEvent } from "../../core/scm/business-events";
import type { PluginExecutionContext } from "../context/execution-context";
import type { IntegrationSettings } from "./settings";

export function isDataverseEcho(context: PluginExecutionContext, settings: IntegrationSettings): boolean {
  if (context.initiatingUserId === settings.integrationUserId.toLowerCase()) return true;
  const tag = context.sharedVariables.tag;
  return typeof tag === "string" && tag === settings.echoTag;
}

export function isScmEcho(event: Pick<ScmBusinessEvent, "InitiatingUser">, settings: IntegrationSettings): boolean {
  // F&O user ids are case-insensitive.
  return event.InitiatingUser.toLowerCase() === settings.scmIntegrationUser.toLowerCase();
}
