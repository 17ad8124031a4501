/**
 * The form host's HTTP side, mounted at `/` on the sandbox origin: the app's pages (`/`,
 * `/main.aspx?pagetype=...`, `/scm-admin`, `/phone-preview`), the client script and stylesheet,
 * and — read from the solution zip at start — the web resources (`/WebResources/<name>`, where
 * Dataverse serves them), the code components' files and the platform libraries they need.
 */
import { readFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { basename, extname, join } from "node:path";
import { HttpError, Router, pathSegments, sendJson } from "../http";
import { appDescriber, formHostPaths, platformLibrariesFor } from "./app-description";
import { bundleClient } from "./client-bundle";
import { readSolutionPackage, type SolutionPackage } from "./package/solution-package";
import { pageHtml } from "./page";
import { PlatformLibraries, type PlatformLibrary } from "./platform-libraries";
import type { SandboxUser } from "./shared/contract";

export interface FormHostOptions {
  /** The solution zip (`dist/FieldServiceScmIntegration.zip`). */
  readonly solutionZip: string;
  /** The user the browser signs in as (a systemuser of the Dataverse emulator). */
  readonly user: SandboxUser;
  /** Bearer token the browser sends to the Web API; the emulator maps it to `user`. */
  readonly webApiToken: string;
  readonly webApiPath?: string;
  readonly scmPath?: string;
}

export interface FormHost {
  readonly prefix: "/";
  readonly solution: SolutionPackage;
  readonly handle: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  readonly close: () => Promise<void>;
}

const contentTypes: Readonly<Record<string, string>> = {
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".html": "text/html; charset=utf-8",
  ".htm": "text/html; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".xml": "application/xml; charset=utf-8",
  ".resx": "application/xml; charset=utf-8",
  ".png": "image/png",
  ".svg": "image/svg+xml",
  ".gif": "image/gif",
  ".jpg": "image/jpeg",
};

/** `WebResourceType` → content type (learn.microsoft.com, "Web resources": 1 HTML, 2 CSS, 3 JS, 4 XML, 5 PNG, 6 JPG, 7 GIF, 11 SVG). */
const webResourceTypes: Readonly<Record<number, string>> = {
  1: "text/html; charset=utf-8",
  2: "text/css; charset=utf-8",
  3: "text/javascript; charset=utf-8",
  4: "application/xml; charset=utf-8",
  5: "image/png",
  6: "image/jpeg",
  7: "image/gif",
  11: "image/svg+xml",
};

function send(res: ServerResponse, contentType: string, body: string | Buffer): void {
  // The sandbox rebuilds between runs: never let the browser keep an old copy.
  res.writeHead(200, {
    "content-type": contentType,
    "content-length": String(Buffer.byteLength(body)),
    "cache-control": "no-cache",
  });
  res.end(body);
}

export async function createFormHost(options: FormHostOptions): Promise<FormHost> {
  const solution = await readSolutionPackage(readFileSync(options.solutionZip));
  const libraries = new PlatformLibraries();
  const describe = appDescriber(solution, libraries);
  const platformByTag = new Map<string, PlatformLibrary>();
  for (const control of solution.controls.values()) {
    for (const library of platformLibrariesFor(control.manifest.platformLibraries, libraries, control.name))
      platformByTag.set(library.tag, library);
  }
  const platformScripts = new Map<string, string>();
  const styles = readFileSync(join(__dirname, "assets", "formhost.css"), "utf8");
  let client: Promise<string> | undefined;
  const clientScript = (): Promise<string> => {
    client ??= bundleClient();
    return client;
  };
  // Bundle now, so the first page load does not wait and a broken client fails the start.
  await clientScript();

  const appFor = (origin: string) =>
    describe({
      organizationUrl: origin,
      webApiPath: options.webApiPath ?? "/api/data/v9.2/",
      webApiToken: options.webApiToken,
      user: options.user,
      zipName: basename(options.solutionZip),
      scmPath: options.scmPath ?? "/scm",
    });

  const router = new Router();
  for (const page of ["/", "/main.aspx", "/scm-admin", "/phone-preview"]) {
    router.on(
      "GET",
      page,
      ({ res, url }) => {
        send(res, "text/html; charset=utf-8", pageHtml(appFor(url.origin)));
      },
      { exact: true },
    );
  }
  router.on(
    "GET",
    formHostPaths.app,
    async ({ res }) => {
      send(res, "text/javascript; charset=utf-8", await clientScript());
    },
    { exact: true },
  );
  router.on(
    "GET",
    formHostPaths.styles,
    ({ res }) => {
      send(res, "text/css; charset=utf-8", styles);
    },
    { exact: true },
  );
  router.on(
    "GET",
    formHostPaths.appJson,
    ({ res, url }) => {
      sendJson(res, 200, appFor(url.origin), { "cache-control": "no-cache" });
    },
    { exact: true },
  );
  router.on("GET", formHostPaths.platform, ({ res, rest }) => {
    const [file, ...more] = pathSegments(rest);
    const library = file === undefined || more.length > 0 ? undefined : platformByTag.get(file.replace(/\.js$/, ""));
    if (library === undefined)
      throw new HttpError(
        404,
        "NOT_FOUND",
        `No platform library ${rest}; the solution's controls use ${[...platformByTag.keys()].join(", ")}.`,
      );
    const script = platformScripts.get(library.tag) ?? libraries.script(library);
    platformScripts.set(library.tag, script);
    send(res, "text/javascript; charset=utf-8", script);
  });
  router.on("GET", formHostPaths.controls, ({ res, rest }) => {
    const [name, ...path] = pathSegments(rest);
    const control = name === undefined ? undefined : solution.controls.get(name);
    const file = control?.files.get(path.join("/"));
    if (control === undefined || file === undefined)
      throw new HttpError(404, "NOT_FOUND", `The solution has no control file ${rest}.`);
    send(res, contentTypes[extname(path.join("/")).toLowerCase()] ?? "application/octet-stream", file);
  });
  router.on("GET", formHostPaths.webResources, ({ res, rest }) => {
    const name = pathSegments(rest).join("/");
    const resource = solution.webResources.get(name);
    if (resource === undefined)
      throw new HttpError(
        404,
        "NOT_FOUND",
        `The solution has no web resource ${name}; it has ${[...solution.webResources.keys()].join(", ")}.`,
      );
    send(res, webResourceTypes[resource.type] ?? "application/octet-stream", resource.content);
  });
  router.on("*", "/", ({ url }) => {
    throw new HttpError(
      404,
      "NOT_FOUND",
      `No page at '${url.pathname}'. The form host serves /, /main.aspx?pagetype=entitylist&etn=<table>, /main.aspx?pagetype=entityrecord&etn=<table>&id=<guid>, /scm-admin and /phone-preview.`,
    );
  });

  return {
    prefix: "/",
    solution,
    handle: (req, res) => router.dispatch(req, res),
    close: () => Promise.resolve(),
  };
}
