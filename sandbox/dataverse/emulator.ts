/**
 * The Dataverse Web API emulator: storage, the plug-in pipeline and request dispatch. `handle`
 * answers one `ApiRequest`; `http-adapter.ts` serves it over `node:http`.
 */
import { randomUUID } from "node:crypto";
import {
  environmentVariableDefinition,
  environmentVariableValue,
  solution,
  systemUser,
  tables as allTables,
  type TableDefinition,
} from "@fsi/core";
import { errorResponse, jsonResponse, type ApiRequest, type ApiResponse } from "./api";
import {
  parseBatch,
  toApiRequest,
  writeBatchResponse,
  type BatchResult,
  type HttpPart,
  type PartResult,
} from "./batch";
import { handleEntitySet } from "./entity-handlers";
import { DataverseError, noHttpResource, segmentNotFound } from "./errors";
import { retrieveEnvironmentVariableValue, whoAmI } from "./functions";
import { authenticate, type EmulatorUser } from "./identity";
import { splitSegment } from "./keys";
import { DEFAULT_DOP_HINT, DOP_HINT_HEADER, ServiceProtection, type ServiceProtectionLimits } from "./limits";
import { entityDefinitions } from "./metadata";
import { AsyncJobRunner } from "./pipeline/async-jobs";
import { PipelineEngine, type Caller } from "./pipeline/engine";
import { seedMessages, stableId } from "./pipeline/registrations";
import type { PlatformPlugin } from "./pipeline/platform-plugins";
import { TransactionGate, type Transaction } from "./pipeline/transactions";
import { WEBHOOK_PAYLOAD_LIMIT_BYTES } from "./pipeline/webhook-payload";
import { parsePreferences } from "./prefer";
import { bypassOf } from "./bypass";
import { authorizer } from "./privileges";
import { isRetrieveUserPrivileges, retrieveUserPrivileges } from "./user-privileges";
import type { ReadContext } from "./query";
import { DataverseStore } from "./storage/store";
import { normalizeDateTime } from "./storage/values";

export interface DataverseEmulatorOptions {
  /** SQLite database file, or `:memory:` (the default). */
  readonly databasePath?: string;
  readonly tables?: readonly TableDefinition[];
  readonly organizationName?: string;
  /** Users seeded as `systemuser` rows; the first is the default caller. */
  readonly users?: readonly EmulatorUser[];
  /** Bearer token → system user id; other tokens act as the default user. */
  readonly tokens?: Readonly<Record<string, string>>;
  /**
   * User id → the privilege names the user's security roles grant (`prvReadmsdyn_warehouse`, ...).
   * A user not listed is a System Administrator and holds every privilege.
   */
  readonly privileges?: Readonly<Record<string, readonly string[]>>;
  /** Refuse requests without `Authorization: Bearer …` with 401 (default true). */
  readonly requireAuthorization?: boolean;
  /** How long a webhook may take to answer (Dataverse: 60 s); tests shorten it. */
  readonly webhookTimeoutMs?: number;
  /**
   * Above how many bytes a webhook's context is trimmed (Dataverse: 256 KB, `x-ms-dynamics-msg-size-exceeded`).
   * Only tests lower it, to trim a payload of ordinary size.
   */
  readonly webhookPayloadLimitBytes?: number;
  /** Depth beyond which steps are refused as an infinite loop (Dataverse: 8). */
  readonly maxDepth?: number;
  /** Service protection limits (requests, execution time, concurrency per user); none by default. */
  readonly requestLimit?: ServiceProtectionLimits;
  /** The `x-ms-dop-hint` every response carries (limits.ts). */
  readonly dopHint?: number;
  /** Solutions the environment has installed, as `solution` rows (Field Service, dual-write's, ...). */
  readonly installedSolutions?: readonly InstalledSolution[];
  /** Plug-ins of installed first-party solutions, run inside the platform (the sandbox's Field Service emulation). */
  readonly platformPlugins?: readonly PlatformPlugin[];
  readonly clock?: () => Date;
  /** Where internal failures outside any request are reported (default: nowhere). */
  readonly log?: (message: string) => void;
}

export interface InstalledSolution {
  readonly uniquename: string;
  readonly friendlyname: string;
  readonly version: string;
}

export const DEFAULT_USER: EmulatorUser = {
  id: stableId("systemuser:sandbox-admin"),
  fullname: "Sandbox Administrator",
  domainname: "admin@sandbox.local",
};

/** The header that runs a request as the mobile app's offline store would. */
export const CLIENT_STATE_HEADER = "x-fsi-client-state";

/** The host of an absolute URL (`http://host:port/api/...` → `host:port`), as `new URL(url).host` gives it. */
function hostOf(url: string): string {
  const start = url.indexOf("//") + 2;
  const end = url.indexOf("/", start);
  return url.slice(start, end === -1 ? undefined : end).toLowerCase();
}

export class DataverseEmulator {
  readonly store: DataverseStore;
  readonly organizationId: string;
  readonly organizationName: string;
  readonly businessUnitId: string;
  readonly defaultUserId: string;
  private readonly tables: readonly TableDefinition[];
  private readonly tablesBySetName: ReadonlyMap<string, TableDefinition>;
  private readonly gate: TransactionGate;
  private readonly jobs: AsyncJobRunner;
  private readonly engine: PipelineEngine;
  private readonly limiter: ServiceProtection | undefined;
  private readonly clock: () => Date;
  private webhookTimeoutMs: number;
  private readonly privileges = new Map<string, ReadonlySet<string>>();

  constructor(private readonly options: DataverseEmulatorOptions = {}) {
    this.tables = options.tables ?? Object.values(allTables);
    this.tablesBySetName = new Map(this.tables.map((table) => [table.entitySetName, table]));
    this.clock = options.clock ?? (() => new Date());
    this.store = new DataverseStore(options.databasePath ?? ":memory:", this.tables);
    this.organizationName = options.organizationName ?? "fsisandbox";
    this.organizationId = stableId(`organization:${this.organizationName}`);
    this.businessUnitId = stableId(`businessunit:${this.organizationName}`);
    const users = options.users ?? [DEFAULT_USER];
    this.defaultUserId = users[0]?.id ?? DEFAULT_USER.id;
    this.webhookTimeoutMs = options.webhookTimeoutMs ?? 60_000;
    for (const [userId, names] of Object.entries(options.privileges ?? {})) this.privileges.set(userId, new Set(names));
    this.gate = new TransactionGate(this.store);
    const payloadLimit = options.webhookPayloadLimitBytes ?? WEBHOOK_PAYLOAD_LIMIT_BYTES;
    this.jobs = new AsyncJobRunner(
      this.store,
      this.gate,
      () => this.webhookTimeoutMs,
      payloadLimit,
      this.clock,
      options.log ?? (() => undefined),
    );
    this.engine = new PipelineEngine(this.store, this.gate, this.jobs, {
      organizationId: this.organizationId,
      organizationName: this.organizationName,
      businessUnitId: this.businessUnitId,
      maxDepth: options.maxDepth ?? 8,
      webhookTimeoutMs: () => this.webhookTimeoutMs,
      webhookPayloadLimitBytes: payloadLimit,
      clock: this.clock,
      platformPlugins: options.platformPlugins ?? [],
    });
    this.limiter =
      options.requestLimit === undefined
        ? undefined
        : new ServiceProtection(options.requestLimit, () => this.clock().getTime());
    this.seed(users);
  }

  /** Write transactions open now, and those waiting for a row lock (tests watch a block happen). */
  get transactions(): { readonly open: number; readonly waiting: number } {
    return { open: this.gate.openTransactions, waiting: this.gate.waiting };
  }

  /** Changes the webhook timeout (tests shorten it). */
  setWebhookTimeout(ms: number): void {
    this.webhookTimeoutMs = ms;
  }

  /** Gives a user exactly these privileges (an admin editing the user's roles); `undefined` makes the user a System Administrator. */
  setPrivileges(userId: string, names: readonly string[] | undefined): void {
    if (names === undefined) this.privileges.delete(userId);
    else this.privileges.set(userId, new Set(names));
  }

  /** Resolves once every queued asynchronous step has run. */
  idle(): Promise<void> {
    return this.jobs.idle();
  }

  close(): void {
    this.store.close();
  }

  async handle(request: ApiRequest): Promise<ApiResponse> {
    const response = await this.answer(request);
    return {
      ...response,
      headers: { ...response.headers, [DOP_HINT_HEADER]: String(this.options.dopHint ?? DEFAULT_DOP_HINT) },
    };
  }

  private async answer(request: ApiRequest): Promise<ApiResponse> {
    try {
      const identity = authenticate(request.headers, this.authSettings(), this.store);
      const done = this.limiter?.admit(identity.userId);
      try {
        return await this.dispatch(
          request,
          this.callerFor(request, identity.userId, identity.initiatingUserId, undefined),
        );
      } finally {
        done?.();
      }
    } catch (error) {
      return errorResponse(error);
    }
  }

  private authSettings() {
    return {
      requireAuthorization: this.options.requireAuthorization ?? true,
      tokens: this.options.tokens ?? {},
      defaultUserId: this.defaultUserId,
    };
  }

  /**
   * Every request is an operation of its own, at depth 1 with no ParentContext: a webhook handler
   * calling back into the Web API, even with its step's `x-ms-correlation-request-id`, does not join
   * the step's transaction (Learn, "Scalable customization design: Database transactions": "a
   * transaction can't be maintained across separate requests made externally"). Only a change set
   * passes its `transaction` to its requests.
   */
  private callerFor(
    request: ApiRequest,
    userId: string,
    initiatingUserId: string,
    transaction: Transaction | undefined,
  ): Caller {
    const correlation = request.headers["x-ms-correlation-request-id"];
    const organizationDomain = hostOf(request.baseUrl);
    // Each request (each $batch part too) carries its own tag; an empty one is no tag.
    const tag = request.query.get("tag") ?? undefined;
    return {
      userId,
      initiatingUserId,
      correlationId: correlation ?? randomUUID(),
      depth: 1,
      transaction,
      parentContext: null,
      organizationDomain,
      tag: tag === "" ? undefined : tag,
      bypass: bypassOf(request.headers, this.privileges, userId),
    };
  }

  private readContext(request: ApiRequest, preferences = parsePreferences(request.headers.prefer)): ReadContext {
    return {
      store: this.store,
      db: this.store.reader,
      baseUrl: request.baseUrl,
      annotations: preferences.includeAnnotations,
      offline: request.headers[CLIENT_STATE_HEADER]?.toLowerCase() === "offline",
    };
  }

  private async dispatch(request: ApiRequest, caller: Caller): Promise<ApiResponse> {
    const segments = request.path
      .split("/")
      .filter((segment) => segment !== "")
      .map((segment) => {
        try {
          return decodeURIComponent(segment);
        } catch {
          throw segmentNotFound(segment);
        }
      });
    const method = request.method.toUpperCase();
    const [first, ...rest] = segments;
    if (first === undefined) {
      if (method !== "GET") throw noHttpResource(request.baseUrl);
      return jsonResponse(200, {
        "@odata.context": `${request.baseUrl}$metadata`,
        value: this.tables.map((table) => ({ name: table.entitySetName, kind: "EntitySet", url: table.entitySetName })),
      });
    }
    const { name, key } = splitSegment(first);
    const preferences = parsePreferences(request.headers.prefer);
    if (name === "$batch") {
      if (method !== "POST" || rest.length > 0) throw noHttpResource(`${request.baseUrl}${request.path}`);
      return this.batch(request, caller, preferences.continueOnError);
    }
    if (name === "$metadata") {
      throw new DataverseError(
        501,
        "0x80060888",
        "The CSDL $metadata document is not served by the emulator; use EntityDefinitions.",
      );
    }
    if (name === "WhoAmI") {
      if (method !== "GET" || (key !== undefined && key !== "") || rest.length > 0)
        throw noHttpResource(`${request.baseUrl}${request.path}`);
      return jsonResponse(
        200,
        whoAmI(request.baseUrl, {
          userId: caller.userId,
          businessUnitId: this.businessUnitId,
          organizationId: this.organizationId,
        }),
      );
    }
    if (name === "RetrieveEnvironmentVariableValue") {
      if (method !== "GET" || key === undefined || rest.length > 0)
        throw noHttpResource(`${request.baseUrl}${request.path}`);
      const authorize = authorizer(this.privileges, caller.userId);
      authorize(environmentVariableDefinition, "Read");
      authorize(environmentVariableValue, "Read");
      return jsonResponse(
        200,
        retrieveEnvironmentVariableValue(this.store, this.readContext(request).db, request.baseUrl, key, request.query),
      );
    }
    if (name === "EntityDefinitions") {
      if (method !== "GET") throw noHttpResource(`${request.baseUrl}${request.path}`);
      return jsonResponse(200, entityDefinitions(this.tables, segments, request.query, request.baseUrl));
    }
    const table = this.tablesBySetName.get(name);
    if (table === undefined) throw segmentNotFound(name);
    if (table === systemUser && rest.length === 1 && isRetrieveUserPrivileges(rest[0])) {
      return jsonResponse(
        200,
        retrieveUserPrivileges({
          method,
          baseUrl: request.baseUrl,
          path: request.path,
          userKey: key,
          authorize: authorizer(this.privileges, caller.userId),
          grants: this.privileges,
          store: this.store,
          tables: this.tables,
          businessUnitId: this.businessUnitId,
        }),
      );
    }
    return handleEntitySet(
      {
        request,
        caller,
        preferences,
        store: this.store,
        engine: this.engine,
        read: this.readContext(request, preferences),
        tables: this.tables,
        authorize: authorizer(this.privileges, caller.userId),
      },
      table,
      key,
      rest,
    );
  }

  private async batch(request: ApiRequest, caller: Caller, continueOnError: boolean): Promise<ApiResponse> {
    const parts = parseBatch(request.body, request.headers["content-type"]);
    const results: BatchResult[] = [];
    let stopped = false;
    for (const part of parts) {
      if (part.kind === "request") {
        // A part that cannot be turned into a request (a `$1` reference outside a change set) fails
        // alone: earlier parts are already committed, so the batch must still report each of them.
        let response: ApiResponse;
        try {
          response = await this.runPart(toApiRequest(part.request, request, new Map()), caller, undefined);
        } catch (error) {
          response = errorResponse(error);
        }
        results.push({ kind: "single", result: { contentId: part.request.contentId, response } });
        stopped = response.status >= 400 && !continueOnError;
      } else {
        const outcome = await this.changeSet(part.requests, request, caller);
        results.push(outcome);
        stopped = outcome.kind === "single" && !continueOnError;
      }
      if (stopped) break;
    }
    const { contentType, body } = writeBatchResponse(results);
    // A batch that stopped at a failed request answers 400 (Learn, "Troubleshoot Dataverse Web API
    // client errors", $batch sample); with odata.continue-on-error it answers 200.
    return { status: stopped ? 400 : 200, headers: { "content-type": contentType, "odata-version": "4.0" }, body };
  }

  /** Runs a change set in one transaction: every request succeeds, or none is kept. */
  private async changeSet(requests: readonly HttpPart[], outer: ApiRequest, caller: Caller): Promise<BatchResult> {
    const results: PartResult[] = [];
    let failed: PartResult | undefined;
    try {
      await this.gate.transaction(caller.correlationId, async (transaction) => {
        const references = new Map<string, string>();
        for (const part of requests) {
          const response = await this.runPart(toApiRequest(part, outer, references), caller, transaction);
          const result = { contentId: part.contentId, response };
          if (response.status >= 400) {
            failed = result;
            throw new Error("change set failed");
          }
          results.push(result);
          const entityId = response.headers["odata-entityid"];
          if (part.contentId !== undefined && entityId !== undefined)
            references.set(part.contentId, entityId.slice(outer.baseUrl.length));
        }
      });
    } catch (error) {
      if (failed !== undefined) return { kind: "single", result: failed };
      return { kind: "single", result: { contentId: undefined, response: errorResponse(error) } };
    }
    return { kind: "changeset", results };
  }

  private async runPart(
    request: ApiRequest,
    outer: Caller,
    transaction: Transaction | undefined,
  ): Promise<ApiResponse> {
    try {
      const identity = authenticate(request.headers, this.authSettings(), this.store);
      return await this.dispatch(request, {
        ...this.callerFor(request, identity.userId, identity.initiatingUserId, transaction),
        correlationId: outer.correlationId,
      });
    } catch (error) {
      return errorResponse(error);
    }
  }

  private seed(users: readonly EmulatorUser[]): void {
    const now = normalizeDateTime(this.clock());
    this.store.begin();
    try {
      seedMessages(this.store, this.tables, now);
      for (const installed of this.options.installedSolutions ?? []) {
        if (this.store.findId(this.store.writer, solution, { uniquename: installed.uniquename }) !== undefined)
          continue;
        this.store.insertRow(solution, {
          solutionid: stableId(`solution:${installed.uniquename}`),
          ...installed,
          createdon: now,
          modifiedon: now,
          versionnumber: this.store.nextVersion(),
        });
      }
      for (const user of users) {
        if (this.store.getRow(this.store.writer, systemUser, user.id) !== undefined) continue;
        this.store.insertRow(systemUser, {
          systemuserid: user.id,
          fullname: user.fullname,
          domainname: user.domainname,
          createdon: now,
          modifiedon: now,
          versionnumber: this.store.nextVersion(),
          statecode: 0,
          statuscode: 1,
        });
      }
      this.store.commit();
    } catch (error) {
      this.store.rollback();
      throw error;
    }
  }
}
