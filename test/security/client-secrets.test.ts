/**
 * No secret in any built client file. Builds what is stale (as `npm start`
 * does), then reads every file under `out/controls/` and `out/webresources/` and every entry of the
 * solution zips — what ends up in a browser or in a customer's Dataverse — and looks for:
 * - the keys and tokens the sandbox, the tests and the benchmarks configure (every string constant
 *   of the repository named `*_KEY`, `*_TOKEN`, `*_SECRET`, `*_PASSWORD`, found by reading the
 *   sources, so a key added later is covered without touching this test);
 * - shapes of secrets: JWTs, private key PEM blocks, `client_secret`, the webhook key header,
 *   function keys in URLs, storage / Service Bus / SQL connection strings, SAS signatures, bearer
 *   tokens written out, Entra ID client secrets, GitHub / npm / AWS keys, `password = "..."`.
 * And the solution's environment variables: a variable named like a secret must be of the Secret
 * type with no default; no default value may look like a secret; service endpoints carry no key.
 */
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { XMLParser } from "fast-xml-parser";
import JSZip from "jszip";
import { buildIfStale, repositoryRoot, solutionZipPath } from "@fsi/sandbox/start/build";
import { environmentVariables } from "@fsi/solution/components/environment-variables";

/** What the scan reads: a name (path, or zip and entry) and its text. */
interface ClientFile {
  readonly name: string;
  readonly text: string;
}

/** `environmentvariabledefinition.type` Secret (Learn, "EnvironmentVariableDefinition table reference"). */
const SECRET_TYPE = 100000005;

const secretShapes: readonly (readonly [string, RegExp])[] = [
  ["a JWT", /eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/],
  ["a private key PEM block", /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----/],
  ["client_secret", /client[_-]?secret/i],
  ["the webhook key header", /x-fsi-webhook-key/i],
  ["a function key in a URL", /[?&]code=[A-Za-z0-9_%-]{8,}/],
  ["an Azure Storage connection string", /DefaultEndpointsProtocol=|AccountKey=/i],
  ["a Service Bus / Event Hubs connection string", /SharedAccessKey(?:Name)?=|Endpoint=sb:\/\//i],
  ["a SharedAccessSignature", /SharedAccessSignature/i],
  ["a SAS signature", /[?&]sig=[A-Za-z0-9%+/=]{16,}/],
  ["a SQL connection string password", /(?:^|[;"'\s])(?:Password|Pwd)\s*=\s*[^;"'\s{}()]{4,}/i],
  ["a Dataverse connection string secret", /ClientSecret\s*=/i],
  ["a bearer token written out", /Bearer\s+[A-Za-z0-9\-._~+/]{16,}=*/],
  ["an Entra ID client secret", /[A-Za-z0-9_~.-]{3}8Q~[A-Za-z0-9_~.-]{31,34}/],
  ["a GitHub token", /\bgh[pousr]_[A-Za-z0-9]{36}\b/],
  ["an npm token", /\bnpm_[A-Za-z0-9]{36}\b/],
  ["an AWS access key", /\bAKIA[0-9A-Z]{16}\b/],
  [
    "a secret assigned in code",
    // A value that is only lower-case words and underscores is a protocol name (`"access_token"`), not a secret.
    /(?:api[_-]?key|secret|password|passwd|access[_-]?token)["']?\s*[:=]\s*["'](?![a-z_]+["'])[^"'\s]{12,}["']/i,
  ],
];

/**
 * MSAL.js (the sign-in library, its redirect page, the panel's bundle) carries the OAuth 2.0
 * parameter names of confidential clients (`client_secret`, `client_assertion`) in the protocol code
 * it shares with MSAL Node (msal-common); a public client — the SPA registration the scripts sign in
 * with — has no value to send in them, and MSAL.js takes no client secret in its configuration. In a
 * file that holds MSAL, `client_secret` is a finding only with a value written beside it.
 */
const holdsMsal = /@azure\/msal-(?:browser|common)/;
const clientSecretWithValue = /client[_-]?secret["']?\s*[:=,]\s*["'][^"'\s]{8,}["']/i;

function shapesFor(text: string): readonly (readonly [string, RegExp])[] {
  if (!holdsMsal.test(text)) return secretShapes;
  return secretShapes.map(([what, shape]) =>
    what === "client_secret" ? ([what, clientSecretWithValue] as const) : ([what, shape] as const),
  );
}

/** Folders whose TypeScript may configure keys (tests, sandbox, benchmarks, the product). */
const sourceFolders = ["core", "plugins-ts", "controls", "solution", "sandbox", "test", "bench", "bin", "tools"];
const skipped = new Set(["node_modules", "out", "dist", ".sandbox", "generated"]);

function filesUnder(folder: string, accept: (path: string) => boolean): string[] {
  if (!existsSync(folder)) return [];
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return skipped.has(entry.name) ? [] : filesUnder(path, accept);
    return accept(path) ? [path] : [];
  });
}

/** Every `const NAME_KEY = "..."` (also `_TOKEN`, `_SECRET`, `_PASSWORD`) of the repository's sources. */
function configuredSecrets(): Map<string, string> {
  const constant = /\b(?:const|let)\s+([A-Z0-9_]*(?:KEY|TOKEN|SECRET|PASSWORD))\s*(?::\s*string)?\s*=\s*"([^"]{8,})"/g;
  const found = new Map<string, string>();
  for (const file of sourceFolders.flatMap((folder) =>
    filesUnder(join(repositoryRoot, folder), (path) => path.endsWith(".ts")),
  )) {
    for (const [, name, value] of readFileSync(file, "utf8").matchAll(constant)) {
      if (name !== undefined && value !== undefined) found.set(value, `${name} (${relative(repositoryRoot, file)})`);
    }
  }
  // The sandbox's customiser token is a parameter default, not a named constant.
  found.set("sandbox-customiser", "the sandbox's registration token (sandbox/auth/plugins-mount.ts)");
  return found;
}

async function zipEntries(path: string): Promise<ClientFile[]> {
  const zip = await JSZip.loadAsync(readFileSync(path));
  const entries = Object.values(zip.files).filter((entry) => !entry.dir);
  return Promise.all(
    entries.map(async (entry) => ({
      name: `${relative(repositoryRoot, path)}:${entry.name}`,
      text: await entry.async("string"),
    })),
  );
}

let clientFiles: ClientFile[] = [];
let zips: Map<string, ClientFile[]>;
const buildLog: string[] = [];

beforeAll(async () => {
  await buildIfStale((line) => buildLog.push(line));
  const outFiles = ["controls", "webresources"]
    .flatMap((folder) => filesUnder(join(repositoryRoot, "out", folder), () => true))
    .map((path) => ({ name: relative(repositoryRoot, path), text: readFileSync(path, "utf8") }));
  const zipPaths = [solutionZipPath, solutionZipPath.replace(/\.zip$/, "_managed.zip")].filter((path) =>
    existsSync(path),
  );
  zips = new Map(await Promise.all(zipPaths.map(async (path) => [path, await zipEntries(path)] as const)));
  clientFiles = [...outFiles, ...[...zips.values()].flat()];
}, 15 * 60_000);

describe("the built client files", () => {
  it("are there to scan: the control bundles, the form scripts, the sign-in library and its redirect page, and both solution zips", () => {
    const names = clientFiles.map((file) => file.name);
    expect(names).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^out\/controls\/\w+\/bundle\.js$/),
        "out/controls/ScmIntegrationPanel/bundle.js",
        "out/webresources/fsi_/scripts/forms.js",
        "out/webresources/fsi_/scripts/sign-in.js",
        "out/webresources/fsi_/auth/redirect.html",
        "out/webresources/fsi_/auth/redirect.js",
      ]),
    );
    expect([...zips.keys()].map((path) => relative(repositoryRoot, path))).toEqual([
      "dist/FieldServiceScmIntegration.zip",
      "dist/FieldServiceScmIntegration_managed.zip",
    ]);
    for (const entries of zips.values()) {
      expect(entries.map((entry) => entry.name.split(":")[1])).toEqual(
        expect.arrayContaining([
          "customizations.xml",
          "solution.xml",
          expect.stringMatching(/^Controls\/.+\/bundle\.js$/),
          expect.stringMatching(/^WebResources\//),
        ]),
      );
    }
  });

  it("contain none of the keys and tokens the sandbox, the tests and the benchmarks configure", () => {
    const secrets = configuredSecrets();
    // The scan finds the ones the integration tests use (if it found nothing it would prove nothing).
    expect([...secrets.keys()]).toEqual(
      expect.arrayContaining([
        "webhook-key-0123456789abcdef",
        "scm-events-key-0123456789abcdef",
        "sandbox-integration",
        "sandbox-browser",
      ]),
    );
    const leaks = clientFiles.flatMap((file) =>
      [...secrets].filter(([value]) => file.text.includes(value)).map(([, name]) => `${file.name}: ${name}`),
    );
    expect(leaks).toEqual([]);
  });

  it("the shapes match what they name (samples assembled here, so no scanner mistakes this file for a leak)", () => {
    const random = (length: number) => "aB3dE5gH7jK9mN1pQ2rS4tU6vW8xY0zC".repeat(3).slice(0, length);
    const glue = (...parts: string[]) => parts.join("");
    const samples: Record<string, string> = {
      "a JWT": `token: "${["eyJhbGciOiJFUzI1NiJ9", "eyJzdWIiOiJkYW5hIn0", random(43)].join(".")}"`,
      "a private key PEM block": ["-----BEGIN", "EC PRIVATE", "KEY-----"].join(" "),
      client_secret: glue('body.append("client', "_", 'secret", s)'),
      "the webhook key header": glue('headers["x-fsi-webhook-', "key", '"] = k'),
      "a function key in a URL": `https://host/plugins/scm-events?code=${random(24)}`,
      "an Azure Storage connection string": glue(
        "DefaultEndpointsProtocol=https;AccountName=a;Account",
        "Key=",
        random(40),
      ),
      "a Service Bus / Event Hubs connection string": "Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=x",
      "a SharedAccessSignature": glue("SharedAccess", "Signature sr=x&sig=y"),
      "a SAS signature": `https://a.blob.core.windows.net/c?sv=2022&sig=${random(30)}`,
      "a SQL connection string password": `Server=db;User ID=fsi;Password=${random(12)};`,
      "a Dataverse connection string secret": glue("AuthType=ClientSecret;Url=https://x;Client", "Secret=", random(20)),
      "a bearer token written out": `authorization: "Bearer ${random(40)}"`,
      "an Entra ID client secret": `${random(3)}8Q~${random(34)}`,
      "a GitHub token": glue("gh", "p_", random(36)),
      "an npm token": glue("npm", "_", random(36)),
      "an AWS access key": glue("AKIA", "ABCDEFGHIJKLMNOP"),
      "a secret assigned in code": `const config = { apiKey: "${random(24)}" }`,
    };
    const missed = secretShapes.filter(([what, shape]) => !shape.test(samples[what] ?? "")).map(([what]) => what);
    expect(missed).toEqual([]);
    // In MSAL's code a client secret is caught with its value; the protocol's names alone are not secrets.
    const inMsal = (text: string) => `/* @azure/msal-browser */ ${text}`;
    const msalShapes = new Map(shapesFor(inMsal("")));
    expect(
      msalShapes.get("client_secret")?.test(inMsal(glue('params.set("client', "_", 'secret","', random(34), '")'))),
    ).toBe(true);
    expect(msalShapes.get("client_secret")?.test(inMsal(glue('e.set("client', "_", 'secret",t)')))).toBe(false);
    expect(msalShapes.get("a secret assigned in code")?.test(glue("ACCESS", '_TOKEN:"access_token"'))).toBe(false);
  });

  it("contain nothing shaped like a secret", () => {
    const found = clientFiles.flatMap((file) =>
      shapesFor(file.text).flatMap(([what, shape]) => {
        const match = shape.exec(file.text);
        return match === null
          ? []
          : [
              `${file.name}: ${what}: …${file.text.slice(Math.max(0, match.index - 40), match.index + match[0].length + 40)}…`,
            ];
      }),
    );
    expect(found).toEqual([]);
  });
});

describe("the solution's environment variables and service endpoints", () => {
  const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "@", parseTagValue: false });
  const namesASecret = (schemaName: string) =>
    /secret|password|passwd|credential|connectionstring|apikey|accesskey|sharedaccess|(?:key|token)$/i.test(schemaName);

  /** Long, unbroken and varied: how generated keys look (a URL or a word does not). */
  function looksRandom(value: string): boolean {
    // An address (`https://…`, an application ID URI `api://…`) is not a key.
    if (value.length < 20 || /\s/.test(value) || /^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return false;
    const counts = Array.from(value).reduce(
      (tally, character) => tally.set(character, (tally.get(character) ?? 0) + 1),
      new Map<string, number>(),
    );
    const entropy = [...counts.values()].reduce(
      (bits, count) => bits - (count / value.length) * Math.log2(count / value.length),
      0,
    );
    return entropy > 3.5;
  }

  function definitionsIn(entries: ClientFile[]) {
    return entries
      .filter((entry) => /:environmentvariabledefinitions\/[^/]+\/environmentvariabledefinition\.xml$/.test(entry.name))
      .map((entry) => {
        const parsed = parser.parse(entry.text) as { environmentvariabledefinition: Record<string, unknown> };
        const definition = parsed.environmentvariabledefinition;
        return {
          schemaName: String(definition["@schemaname"]),
          type: Number(definition.type),
          secretStore: Number(definition.secretstore),
          defaultValue: typeof definition.defaultvalue === "string" ? definition.defaultvalue : "",
        };
      });
  }

  it("ship every variable the solution defines, and none holds a secret: secret-named ones are Secret-typed with no default, no default looks like one", () => {
    const secrets = configuredSecrets();
    for (const entries of zips.values()) {
      const definitions = definitionsIn(entries);
      expect(definitions.map((definition) => definition.schemaName).sort()).toEqual(
        environmentVariables.map((variable) => variable.schemaName).sort(),
      );
      const problems = definitions.flatMap((definition) => {
        const { schemaName, type, defaultValue } = definition;
        const issues: string[] = [];
        if (namesASecret(schemaName) && (type !== SECRET_TYPE || defaultValue !== ""))
          issues.push("named like a secret but not a Secret variable without a default");
        if (looksRandom(defaultValue)) issues.push(`its default looks like a generated key: ${defaultValue}`);
        if (secrets.has(defaultValue)) issues.push(`its default is ${String(secrets.get(defaultValue))}`);
        for (const [what, shape] of secretShapes)
          if (shape.test(defaultValue)) issues.push(`its default holds ${what}`);
        return issues.map((issue) => `${schemaName}: ${issue}`);
      });
      expect(problems).toEqual([]);
    }
  });

  it("the heuristics would catch a secret: a secret-named String variable and a generated key as a default", () => {
    expect(namesASecret("fsi_WebhookKey")).toBe(true);
    expect(namesASecret("fsi_ScmClientSecret")).toBe(true);
    expect(namesASecret("fsi_ValidationApiClientId")).toBe(false);
    expect(looksRandom("q8Z~vR2xN0pLk4sT9wYb3mC7dF1gH5jA")).toBe(true);
    expect(looksRandom("http://127.0.0.1:8080/plugins/validate")).toBe(false);
    expect(looksRandom("api://fsi-validation/Validate.Records")).toBe(false);
    expect(looksRandom("block")).toBe(false);
  });

  it("service endpoints and steps carry no key: no auth value, SAS key or token, no key in the URL, no secure configuration", () => {
    for (const entries of zips.values()) {
      const customizations = entries.find((entry) => entry.name.endsWith(":customizations.xml"));
      if (customizations === undefined) throw new Error("no customizations.xml in the zip");
      const parsed = parser.parse(customizations.text) as {
        ImportExportXml: {
          ServiceEndpoints?: { ServiceEndpoint?: Record<string, unknown> | Record<string, unknown>[] };
        };
      };
      const endpoints = [parsed.ImportExportXml.ServiceEndpoints?.ServiceEndpoint ?? []].flat();
      expect(endpoints.length).toBeGreaterThan(0);
      for (const endpoint of endpoints) {
        expect(
          Object.keys(endpoint).filter((element) =>
            /authvalue|saskey|sastoken|sharedaccess|secret|password/i.test(element),
          ),
        ).toEqual([]);
        expect(String(endpoint.Url)).not.toContain("?");
      }
      const allXml = entries.filter((entry) => entry.name.endsWith(".xml")).map((entry) => entry.text);
      expect(allXml.filter((text) => /<(?:AuthValue|SASKey|SASToken|SecureConfiguration)\b/i.test(text))).toEqual([]);
    }
  });
});
