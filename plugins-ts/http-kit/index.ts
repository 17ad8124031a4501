/**
 * A tiny, generic HTTP layer over plain `node:http` with a transport-neutral request/reply, used
 * by the plug-in host, its Azure Functions entry and the sandbox's emulators.
 */
export { HttpError, isHttpError, toHttpError } from "./errors";
export { answer, errorReply, jsonReply, replyText } from "./exchange";
export type { HostHandler, HostRequest, HostResponse } from "./exchange";
export { checkDeclaredLength, parseJsonBody, payloadTooLarge, readNodeBody } from "./body";
export { requireJsonContentType } from "./content-type";
export { fromNodeRequest, toRequestListener, writeReply } from "./node-adapter";
export type { NodeAdapterOptions } from "./node-adapter";
export { listen, closeServer } from "./lifecycle";
export { MAX_JSON_DEPTH, jsonNestingBeyond, lineAndColumn, locateJsonError } from "./json-text";
export { CallerRateLimiter, clientAddressOf, tooManyRequests } from "./rate-limit";
export type { RateDecision, RateLimit } from "./rate-limit";
