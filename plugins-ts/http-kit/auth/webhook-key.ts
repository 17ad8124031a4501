/**
 * The service endpoint's key check. Dataverse webhooks authenticate in one of three ways (Learn:
 * "Register a WebHook", ServiceEndpoint `authtype`): HttpHeader (key/value pairs sent as headers),
 * WebhookKey (`?code=<key>`, as an Azure Functions function key) or HttpQueryString (key/value
 * pairs sent as query parameters).
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { HttpError } from "../errors";
import type { HostRequest } from "../exchange";

export type WebhookAuth =
  | { readonly kind: "HttpHeader"; readonly headerName: string; readonly key: string }
  | { readonly kind: "WebhookKey"; readonly key: string }
  | { readonly kind: "HttpQueryString"; readonly parameterName: string; readonly key: string };

export const DEFAULT_WEBHOOK_KEY_HEADER = "x-fsi-webhook-key";

/**
 * Compares in constant time: both sides are hashed first, so `timingSafeEqual` always compares
 * equal-length digests and neither the key's content nor its length leaks through timing.
 */
export function sameSecret(presented: string, expected: string): boolean {
  const a = createHash("sha256").update(presented, "utf8").digest();
  const b = createHash("sha256").update(expected, "utf8").digest();
  return timingSafeEqual(a, b);
}

function presentedKey(request: HostRequest, auth: WebhookAuth): string | undefined {
  switch (auth.kind) {
    case "HttpHeader":
      return request.header(auth.headerName);
    case "WebhookKey":
      return request.url.searchParams.get("code") ?? undefined;
    case "HttpQueryString":
      return request.url.searchParams.get(auth.parameterName) ?? undefined;
  }
}

function where(auth: WebhookAuth): string {
  switch (auth.kind) {
    case "HttpHeader":
      return `the ${auth.headerName} header`;
    case "WebhookKey":
      return "the code query parameter";
    case "HttpQueryString":
      return `the ${auth.parameterName} query parameter`;
  }
}

/**
 * How to give a service endpoint its key. Dataverse never exports a service endpoint's key with a
 * solution (Learn, "Register a WebHook": the authentication values are set on the registration),
 * so after every import the fsi_ endpoints post without one until it is set.
 */
function howToSet(auth: WebhookAuth): string {
  const authValue =
    auth.kind === "WebhookKey"
      ? "<the key>"
      : `<settings><setting name="${auth.kind === "HttpHeader" ? auth.headerName : auth.parameterName}" value="<the key>" /></settings>`;
  const authType = { WebhookKey: 4, HttpHeader: 5, HttpQueryString: 6 }[auth.kind];
  return (
    `Dataverse does not export a service endpoint's key with the solution: set it on each fsi_ service endpoint after import ` +
    `(Plug-in Registration Tool, or PATCH /api/data/v9.2/serviceendpoints(<id>) with {"authtype": ${authType}, "authvalue": "${authValue.replaceAll('"', '\\"')}"}), ` +
    `using the key this host has in FSI_WEBHOOK_KEY (docs/deploy.md).`
  );
}

/** Throws 401 when the key is missing or wrong; the message says where the key is expected and how to set it. */
export function requireWebhookKey(request: HostRequest, auth: WebhookAuth): void {
  const presented = presentedKey(request, auth);
  if (presented === undefined || presented === "") {
    throw new HttpError(
      401,
      "MISSING_WEBHOOK_KEY",
      `The webhook key is missing; send it in ${where(auth)}. ${howToSet(auth)}`,
    );
  }
  if (!sameSecret(presented, auth.key)) {
    throw new HttpError(401, "INVALID_WEBHOOK_KEY", `The webhook key in ${where(auth)} is not valid.`);
  }
}
