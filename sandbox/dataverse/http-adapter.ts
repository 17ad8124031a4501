/**
 * Serves the emulator over `node:http`, mounted on a `sandbox/http` Router at the Web API root
 * (`/api/data/v9.2`). Bodies are read with a size limit; every failure, including an oversize
 * body, is answered in Dataverse's error shape and the server keeps serving.
 */
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import { closeServer, listen, readBody, Router, type RouteHandler } from "../http";
import { DataverseError, ErrorCode } from "./errors";
import { errorResponse, type ApiResponse } from "./api";
import { DataverseEmulator, type DataverseEmulatorOptions } from "./emulator";
import { HttpError } from "../http";

export const WEB_API_PATH = "/api/data/v9.2";

/** Dataverse accepts requests of up to 128 MB; the sandbox defaults lower, since it holds bodies in memory. */
export const DEFAULT_MAX_REQUEST_BYTES = 16 * 1024 * 1024;

export interface DataverseRouteOptions {
  readonly maxRequestBytes?: number;
}

function flattenHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value;
  }
  return flat;
}

/** A Router handler for the Web API root: `router.on("*", WEB_API_PATH, dataverseRoute(emulator))`. */
export function dataverseRoute(emulator: DataverseEmulator, options: DataverseRouteOptions = {}): RouteHandler {
  const limitBytes = options.maxRequestBytes ?? DEFAULT_MAX_REQUEST_BYTES;
  return async ({ req, res, url, prefix, rest }) => {
    let response: ApiResponse;
    try {
      const body = await readBody(req, { limitBytes });
      response = await emulator.handle({
        method: req.method ?? "GET",
        path: rest.replace(/^\/+/, ""),
        query: url.searchParams,
        headers: flattenHeaders(req.headers),
        body: body.toString("utf8"),
        baseUrl: `${url.origin}${prefix}/`,
      });
    } catch (error) {
      response =
        error instanceof HttpError && error.code === "PAYLOAD_TOO_LARGE"
          ? errorResponse(new DataverseError(413, ErrorCode.InvalidPayload, error.message, error.headers))
          : errorResponse(error);
    }
    res.writeHead(response.status, { ...response.headers, "content-length": String(Buffer.byteLength(response.body)) });
    res.end(response.body);
  };
}

export interface DataverseServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** `http://127.0.0.1:<port>/api/data/v9.2/` */
  readonly apiUrl: string;
  readonly emulator: DataverseEmulator;
  close(): Promise<void>;
}

/** Starts the emulator alone on its own port (tests, benchmarks); the sandbox mounts `dataverseRoute` instead. */
export async function startDataverseServer(
  options: DataverseEmulatorOptions & DataverseRouteOptions & { readonly port?: number } = {},
): Promise<DataverseServer> {
  const emulator = new DataverseEmulator(options);
  const router = new Router().on("*", WEB_API_PATH, dataverseRoute(emulator, options));
  const server: Server = createServer(router.listener);
  const url = await listen(server, options.port ?? 0);
  return {
    url,
    apiUrl: `${url}${WEB_API_PATH}/`,
    emulator,
    async close() {
      await closeServer(server);
      await emulator.idle();
      emulator.close();
    },
  };
}
