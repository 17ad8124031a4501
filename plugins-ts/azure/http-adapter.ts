/**
 * Azure Functions (v4 programming model) ⇄ the host's transport-neutral handler: the same
 * handlers run unchanged under `func start` / an Azure Function App and under `node:http`.
 */
import type { HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";
import { checkDeclaredLength, payloadTooLarge } from "../http-kit/body";
import type { HostHandler, HostRequest } from "../http-kit/exchange";
import { replyText } from "../http-kit/exchange";
import { type CallerWait, callerGoneAfter } from "./caller-wait";

/** `callerWait`: how long the route's caller waits (conflict detection needs to know when it gave up). */
export function fromAzureRequest(request: HttpRequest, callerWait?: CallerWait): HostRequest {
  return {
    ...(callerWait === undefined ? {} : { callerGone: callerGoneAfter(callerWait) }),
    method: request.method.toUpperCase(),
    url: new URL(request.url),
    header: (name) => request.headers.get(name) ?? undefined,
    async readBody(limitBytes) {
      checkDeclaredLength(request.headers.get("content-length") ?? undefined, limitBytes);
      // The Functions host has already buffered the body; the limit still applies to what we parse.
      const body = Buffer.from(await request.arrayBuffer());
      if (body.length > limitBytes) throw payloadTooLarge(limitBytes);
      return body;
    },
  };
}

export type AzureHttpHandler = (request: HttpRequest, context: InvocationContext) => Promise<HttpResponseInit>;

export function azureHandler(handler: () => HostHandler, callerWait?: CallerWait): AzureHttpHandler {
  return async (request, context) => {
    const response = await handler()(fromAzureRequest(request, callerWait));
    context.log(`${request.method} ${new URL(request.url).pathname} → ${response.status}`);
    const body = replyText(response);
    const headers: Record<string, string> = { ...response.headers };
    if (body !== undefined) headers["content-type"] = "application/json; charset=utf-8";
    return { status: response.status, headers, ...(body === undefined ? {} : { body }) };
  };
}
