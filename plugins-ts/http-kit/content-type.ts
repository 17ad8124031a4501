import { HttpError } from "./errors";
import type { HostRequest } from "./exchange";

/**
 * Refuses a declared non-JSON content type with 415, so a client sending form data learns why
 * instead of getting a parse error. A missing content type is accepted (Dataverse always sends
 * `application/json`, curl users often forget it).
 */
export function requireJsonContentType(request: HostRequest): void {
  const contentType = request.header("content-type");
  if (contentType !== undefined && !/^application\/([\w.+-]+\+)?json\b/i.test(contentType.trim())) {
    throw new HttpError(
      415,
      "UNSUPPORTED_MEDIA_TYPE",
      `Content-Type '${contentType}' is not supported; send 'application/json'.`,
    );
  }
}
