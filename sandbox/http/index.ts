/**
 * Small helpers over plain `node:http`, shared by the sandbox's emulators (see sandbox/README.md).
 * The parts every HTTP server needs — the error type, bodies and JSON, starting and stopping — are
 * the product host's kit (plugins-ts/http-kit), used here as they are.
 */
export { HttpError, isHttpError, toHttpError } from "@fsi/plugins/http-kit/errors";
export { AsyncMutex } from "./mutex";
export { DEFAULT_BODY_LIMIT_BYTES, parseJson, readBody, readJson } from "./body";
export type { BodyOptions, JsonPosition } from "./body";
export { locateJsonError, lineAndColumn } from "@fsi/plugins/http-kit/json-text";
export { sendEmpty, sendJson, sendText } from "./respond";
export { Router, pathSegments, renderJsonError } from "./router";
export type {
  ErrorRenderer,
  HttpMethod,
  RequestScope,
  RouteContext,
  RouteHandler,
  RouteOptions,
  RouterOptions,
} from "./router";
export { closeServer, listen } from "@fsi/plugins/http-kit/lifecycle";
export { ownOrigin, requireOwnOrigin } from "./own-origin";
export type { OwnOrigin } from "./own-origin";
