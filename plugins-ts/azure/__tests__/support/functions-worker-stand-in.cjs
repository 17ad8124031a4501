/**
 * Loads a Functions app folder the way the Azure Functions Node.js worker does, in a plain Node.js
 * process, and prints what happened as JSON on stdout.
 *
 * The worker gives the app a module `@azure/functions-core` that is not on npm: it intercepts
 * `require` for that name (Azure/azure-functions-nodejs-worker `src/setupCoreModule.ts`), then
 * requires the file package.json's `main` names. @azure/functions registers its programming model
 * (`setProgrammingModel`) and every `app.http` / `app.timer` (`registerFunction`) through that
 * module; without it the library only warns that it is "in test mode" and registers nothing. To
 * run a function the worker asks the programming model for an invocation model and lets it turn the
 * host's RPC invocation into the handler's arguments and the handler's result into the RPC reply
 * (`getArguments`, `invokeFunction`, `getResponse`).
 *
 * Usage: node functions-worker-stand-in.cjs <app folder>  (stdin: JSON list of HTTP invocations
 * `{ function, method, url, headers, body }`; the report is stdout's last line)
 */
"use strict";
const Module = require("node:module");
const path = require("node:path");
const fs = require("node:fs");

const appFolder = process.argv[2];
const registered = [];
let programmingModel;
const systemLogs = [];

class Disposable {
  constructor(callback) {
    this.callback = callback;
  }
  dispose() {
    this.callback();
  }
}

const coreApi = {
  version: "stand-in",
  hostVersion: "4.0.0",
  setProgrammingModel(model) {
    programmingModel = model;
  },
  getProgrammingModel() {
    return programmingModel;
  },
  registerFunction(metadata, callback) {
    registered.push({ metadata, callback });
    return new Disposable(() => undefined);
  },
  registerHook() {
    return new Disposable(() => undefined);
  },
  log(level, category, message) {
    systemLogs.push({ level, category, message });
  },
  Disposable,
};

const originalRequire = Module.prototype.require;
Module.prototype.require = function requireWithCore(id) {
  if (id === "@azure/functions-core") return coreApi;
  return originalRequire.apply(this, arguments);
};

async function invoke(request, index) {
  const entry = registered.find((candidate) => candidate.metadata.name === request.function);
  if (entry === undefined) return { function: request.function, error: "not registered" };
  const [triggerName] = Object.entries(entry.metadata.bindings).find(([, binding]) => binding.direction === "in");
  const logs = [];
  const coreContext = {
    invocationId: `invocation-${index}`,
    metadata: entry.metadata,
    request: {
      inputData: [
        {
          name: triggerName,
          data: {
            http: {
              method: request.method,
              url: request.url,
              headers: request.headers ?? {},
              query: {},
              params: request.params ?? {},
              ...(request.body === undefined ? {} : { body: { string: request.body } }),
            },
          },
        },
      ],
      triggerMetadata: {},
    },
    state: undefined,
    log: (level, category, message) => logs.push({ level, category, message }),
  };
  const invocationModel = programmingModel.getInvocationModel(coreContext);
  const { context, inputs } = await invocationModel.getArguments();
  try {
    const result = await invocationModel.invokeFunction(context, inputs, entry.callback);
    const response = await invocationModel.getResponse(context, result);
    return { function: request.function, response: response.returnValue, logs };
  } catch (error) {
    return { function: request.function, error: error instanceof Error ? error.message : String(error), logs };
  }
}

async function main() {
  const manifest = JSON.parse(fs.readFileSync(path.join(appFolder, "package.json"), "utf8"));
  require(path.resolve(appFolder, manifest.main));
  const requests = JSON.parse(fs.readFileSync(0, "utf8") || "[]");
  const invocations = [];
  for (const [index, request] of requests.entries()) invocations.push(await invoke(request, index));
  const functions = registered.map(({ metadata }) => ({ name: metadata.name, bindings: metadata.bindings }));
  const model =
    programmingModel === undefined ? null : { name: programmingModel.name, version: programmingModel.version };
  // On a line of its own, the last: the app's own logs go to stdout too.
  process.stdout.write(`\n${JSON.stringify({ programmingModel: model, functions, invocations, systemLogs })}\n`);
}

main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(String(error && error.stack ? error.stack : error));
    process.exit(1);
  },
);
