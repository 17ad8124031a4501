/**
 * Routing by method and path prefix over plain `node:http`. The longest matching prefix wins, so
 * registration order does not matter; a path some route knows under another method gets a 405
 * with `Allow`, an unknown path a 404. Handlers throw `HttpError`; the router renders every
 * failure through the renderer it was given, so one emulator answers in one error shape.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import { HttpError, toHttpError } from "@fsi/plugins/http-kit/errors";
import { sendJson } from "./respond";

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE" | "HEAD" | "OPTIONS";

export interface RouteContext {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  /** The request URL, parsed against the Host header (query in `url.searchParams`). */
  readonly url: URL;
  /** The prefix the route was registered with. */
  readonly prefix: string;
  /** The still percent-encoded path after the prefix: `""` or starting with `/`. */
  readonly rest: string;
}

export type RouteHandler = (context: RouteContext) => Promise<void> | void;

export interface RequestScope {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly url: URL;
}

export type ErrorRenderer = (error: HttpError, scope: RequestScope) => void;

export interface RouteOptions {
  /** Match the prefix only as the whole path (a trailing `/` allowed), not as a folder. */
  readonly exact?: boolean;
}

interface Route {
  readonly methods: readonly HttpMethod[] | "*";
  readonly prefix: string;
  readonly exact: boolean;
  readonly handler: RouteHandler;
}

/** Default rendering: `{ "error": { "code", "message", "details"? } }`. */
export const renderJsonError: ErrorRenderer = (error, { res }) => {
  sendJson(
    res,
    error.status,
    {
      error: {
        code: error.code,
        message: error.message,
        ...(error.details === undefined ? {} : { details: error.details }),
      },
    },
    error.headers,
  );
};

export interface RouterOptions {
  readonly renderError?: ErrorRenderer;
  /** Where 5xx failures are reported (the message a client gets is short). */
  readonly onServerError?: (error: unknown, scope: RequestScope) => void;
}

export class Router {
  private readonly routes: Route[] = [];
  private readonly renderError: ErrorRenderer;
  private readonly onServerError: (error: unknown, scope: RequestScope) => void;

  constructor(options: RouterOptions = {}) {
    this.renderError = options.renderError ?? renderJsonError;
    this.onServerError = options.onServerError ?? (() => undefined);
  }

  on(
    methods: HttpMethod | readonly HttpMethod[] | "*",
    prefix: string,
    handler: RouteHandler,
    options: RouteOptions = {},
  ): this {
    const normalized = prefix.length > 1 && prefix.endsWith("/") ? prefix.slice(0, -1) : prefix;
    this.routes.push({
      methods: methods === "*" ? "*" : typeof methods === "string" ? [methods] : methods,
      prefix: normalized,
      exact: options.exact ?? false,
      handler,
    });
    return this;
  }

  /** A `node:http` request listener; it never rejects. */
  readonly listener: RequestListener = (req, res) => {
    void this.dispatch(req, res);
  };

  /** Routes one request and renders any failure; resolves when the handler has finished. */
  async dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = requestUrl(req);
    const scope: RequestScope = { req, res, url };
    try {
      const path = url.pathname;
      const candidates = this.routes.filter((route) => matches(route, path));
      if (candidates.length === 0) {
        throw new HttpError(404, "NOT_FOUND", `No resource at '${path}'.`);
      }
      const method = (req.method ?? "GET").toUpperCase();
      const allowed = candidates.filter(
        (route) => route.methods === "*" || route.methods.includes(method as HttpMethod),
      );
      const route = longestPrefix(allowed);
      if (route === undefined) {
        const allow = [
          ...new Set(candidates.flatMap((candidate) => (candidate.methods === "*" ? [] : candidate.methods))),
        ];
        throw new HttpError(
          405,
          "METHOD_NOT_ALLOWED",
          `Method ${method} is not allowed on '${path}'; use ${allow.join(", ")}.`,
          undefined,
          {
            allow: allow.join(", "),
          },
        );
      }
      const rest = path.slice(route.prefix === "/" ? 0 : route.prefix.length);
      await route.handler({ req, res, url, prefix: route.prefix, rest: route.prefix === "/" ? path : rest });
    } catch (error) {
      this.fail(error, scope);
    }
  }

  private fail(error: unknown, scope: RequestScope): void {
    const httpError = toHttpError(error);
    if (httpError.status >= 500) this.onServerError(error, scope);
    if (scope.res.headersSent) {
      scope.res.destroy();
      return;
    }
    this.renderError(httpError, scope);
  }
}

function matches(route: Route, path: string): boolean {
  if (route.prefix === "/") return route.exact ? path === "/" : true;
  if (path === route.prefix || path === `${route.prefix}/`) return true;
  return !route.exact && path.startsWith(`${route.prefix}/`);
}

/** The longest prefix wins; on a tie an exact route beats a folder route. */
function longestPrefix(routes: readonly Route[]): Route | undefined {
  let best: Route | undefined;
  for (const route of routes) {
    if (
      best === undefined ||
      route.prefix.length > best.prefix.length ||
      (route.prefix.length === best.prefix.length && route.exact && !best.exact)
    ) {
      best = route;
    }
  }
  return best;
}

function requestUrl(req: IncomingMessage): URL {
  const host = req.headers.host ?? "127.0.0.1";
  try {
    return new URL(req.url ?? "/", `http://${host}`);
  } catch {
    return new URL("http://127.0.0.1/");
  }
}

/**
 * Splits a still-encoded path into decoded segments (`/a%20b/c` → `["a b", "c"]`). Decoding per
 * segment keeps an encoded `/` (`%2F`) inside its segment.
 */
export function pathSegments(rest: string): string[] {
  return rest
    .split("/")
    .filter((segment) => segment !== "")
    .map((segment) => {
      try {
        return decodeURIComponent(segment);
      } catch {
        throw new HttpError(400, "INVALID_PATH", `The path segment '${segment}' is not valid percent-encoding.`);
      }
    });
}
