/** Small helpers over plain `node:http`, shared by the sandbox's emulators (see sandbox/README.md). */
export { HttpError, isHttpError, toHttpError } from "./errors";
export { AsyncMutex } from "./mutex";
export { DEFAULT_BODY_LIMIT_BYTES, parseJson, readBody, readJson } from "./body";
export type { BodyOptions, JsonPosition } from "./body";
export { locateJsonError, lineAndColumn } from "./json-error-position";
export { sendEmpty, sendJson, sendText } from "./respond";
export { Router, pathSegments, renderJsonError } from "./router";
export type { ErrorRenderer, HttpMethod, RequestScope, RouteContext, RouteHandler, RouteOptions, RouterOptions } from "./router";
export { closeServer, listen } from "./lifecycle";
export { ownOrigin, requireOwnOrigin } from "./own-origin";
export type { OwnOrigin } from "./own-origin";
