/**
 * The host's one route table. Every entry reads it: the plug-in host routes each request by it
 * (`plugin-host.ts`, which also serves the sandbox's `/plugins` mount), the Azure Functions entry
 * registers one HTTP function per row (`azure/functions.ts`), and whoever registers an endpoint
 * builds its URL from it (`routeUrl`). Paths are Azure Functions route templates below the prefix
 * (`{name}` is one path segment), so the same text serves both.
 */
import { HttpError } from "../http-kit/errors";

/** Every route's path starts with it; Azure Functions' `host.json` sets `routePrefix` to "" to keep it. */
export const HOST_PREFIX = "/plugins";

export type RouteMethod = "GET" | "POST" | "OPTIONS";

/**
 * Who calls the route, which tells how long the caller waits: Dataverse gives a webhook 60 s, and
 * SCM's data events reach the host as a Dataverse webhook too (`azure/caller-wait.ts`).
 */
export type RouteCaller = "dataverse" | "browser" | "operator";

export interface HostRoute {
  readonly name: string;
  /** Below `HOST_PREFIX`, in Azure Functions route template syntax (`webhooks/{handler}`). */
  readonly path: string;
  readonly methods: readonly RouteMethod[];
  readonly caller: RouteCaller;
}

export const HOST_ROUTES = [
  // Dataverse webhook steps of the two-way maps (`validate`, `sync-to-scm`, `sync-status`).
  { name: "webhooks", path: "webhooks/{handler}", methods: ["POST"], caller: "dataverse" },
  // Dataverse webhook steps of the inventory and project maps (core's `webhookPath`).
  { name: "inventory-webhooks", path: "inventory/webhooks/{handler}", methods: ["POST"], caller: "dataverse" },
  // SCM's data events, for every map: the two-way maps' entities and the inventory maps' (on-hand, projects).
  { name: "scm-events", path: "scm-events", methods: ["POST"], caller: "dataverse" },
  { name: "scm-catch-up", path: "scm-catch-up", methods: ["POST"], caller: "operator" },
  { name: "validate", path: "validate", methods: ["POST", "OPTIONS"], caller: "browser" },
  { name: "health", path: "health", methods: ["GET"], caller: "operator" },
  // `fsi doctor`'s keyed probe: does the host accept the key the endpoints send?
  { name: "probe", path: "probe/{target}", methods: ["GET"], caller: "operator" },
  { name: "inventory-status", path: "inventory/status", methods: ["GET"], caller: "operator" },
] as const satisfies readonly HostRoute[];

export type RouteName = (typeof HOST_ROUTES)[number]["name"];

export interface MatchedRoute {
  readonly route: HostRoute & { readonly name: RouteName };
  /** The template's `{name}` segments, percent-decoded. */
  readonly params: Readonly<Record<string, string>>;
}

/**
 * The route a path belongs to, with its parameters (never empty); undefined when none does. A
 * parameter that is not valid percent-encoding is a 400.
 */
export function matchRoute(pathname: string, prefix: string = HOST_PREFIX): MatchedRoute | undefined {
  const base = prefix.replace(/\/+$/, "");
  if (!pathname.startsWith(`${base}/`)) return undefined;
  const segments = pathname.slice(base.length + 1).split("/");
  for (const route of HOST_ROUTES) {
    const template = route.path.split("/");
    if (template.length !== segments.length) continue;
    const params: Record<string, string> = {};
    const matches = template.every((part, index) => {
      const segment = segments[index] ?? "";
      const name = /^\{(\w+)\}$/.exec(part)?.[1];
      if (name === undefined) return part === segment;
      if (segment === "") return false;
      params[name] = decodeSegment(segment);
      return true;
    });
    if (matches) return { route, params };
  }
  return undefined;
}

/** `<hostUrl>/plugins/<route path>` with its parameters filled in: where an endpoint must point. */
export function routeUrl(
  hostUrl: string,
  name: RouteName,
  params: Readonly<Record<string, string>> = {},
  prefix: string = HOST_PREFIX,
): string {
  const route = HOST_ROUTES.find((candidate) => candidate.name === name);
  if (route === undefined) throw new Error(`No route '${name}'.`);
  const path = route.path.replace(/\{(\w+)\}/g, (_, key: string) => {
    const value = params[key];
    if (value === undefined) throw new Error(`Route '${name}' needs the parameter '${key}'.`);
    return encodeURIComponent(value);
  });
  return `${hostUrl.replace(/\/+$/, "")}${prefix.replace(/\/+$/, "")}/${path}`;
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new HttpError(400, "INVALID_PATH", `The path segment '${segment}' is not valid percent-encoding.`);
  }
}
