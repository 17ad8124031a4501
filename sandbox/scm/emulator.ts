/**
 * The SCM (finance and operations) emulator: OData data entities with `$batch` changesets, data
 * events sent after commit, priority-based throttling, the custom services (the validation service
 * only when switched on) and its admin endpoints, over one SQLite database. `handle` serves requests under
 * `prefix` (default `/scm`); mount it on any `node:http` server.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { scmEntities } from "@fsi/core";
import { AsyncMutex, Router } from "../http";
import { renderODataError, renderServiceError } from "./errors";
import { EventEndpointStore } from "./events/endpoints";
import { EventOutbox, type RetryPolicy, defaultRetryPolicy } from "./events/outbox";
import { RecordChecker } from "./records";
import { addAdminRoutes } from "./routes/admin";
import { addBatchRoute } from "./routes/batch";
import { addDataRoutes } from "./routes/data";
import { addInventoryServiceRoutes } from "./routes/inventory-services";
import { addValidationServiceRoute } from "./routes/validation-service";
import { type ScmRulesFile, rulesFileSchema } from "./rules/schema";
import { SEED_RULES_PATH, loadRulesFile, seedScmData } from "./seed/load";
import { type ScmDatabase, openScmDatabase, readSetting, writeSetting } from "./store/database";
import { EntityTable } from "./store/entity-table";
import { Throttle, type ThrottlingSettings } from "./throttling";
import { ScmWriter } from "./writes";

export interface ScmEmulatorOptions {
  /** SQLite file, or `:memory:` (default). */
  readonly database?: string;
  /** Rules to start with when the database has none yet; default `seed/rules.json`. */
  readonly rules?: ScmRulesFile;
  /** Insert the seed companies, sites, warehouses, assets, terms and modes when the database is empty. */
  readonly seed?: boolean;
  /** The company reads and writes use when they name none (F&O: the user's default company). */
  readonly defaultCompany?: string;
  /** Path prefix the emulator serves under. */
  readonly prefix?: string;
  /** Retry policy of data event deliveries. */
  readonly retry?: Partial<RetryPolicy>;
  /**
   * Serve the custom validation service (`FsiIntegrationServices/FsiValidationService/validate`).
   * Off by default: it exists in a real environment only where someone deployed its X++ code.
   */
  readonly validationService?: boolean;
  /** Throttling to start with (off by default); `PUT /admin/throttling` changes it. */
  readonly throttling?: Partial<ThrottlingSettings>;
  /** Rows per collection page; default 10,000 (F&O's page size). */
  readonly maxPageSize?: number;
  /** Largest accepted request body; default 1 MiB. */
  readonly bodyLimitBytes?: number;
  readonly log?: (message: string) => void;
}

export interface ScmEmulator {
  readonly prefix: string;
  readonly handle: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  /** Stops async delivery (undelivered events stay in the outbox) and closes the database. */
  readonly close: () => Promise<void>;
  readonly rules: () => ScmRulesFile;
  readonly db: ScmDatabase;
}

const RULES_SETTING = "rules";

export function createScmEmulator(options: ScmEmulatorOptions = {}): ScmEmulator {
  const prefix = options.prefix ?? "/scm";
  const defaultCompany = (options.defaultCompany ?? "usmf").toLowerCase();
  const bodyLimitBytes = options.bodyLimitBytes ?? 1024 * 1024;
  const log = options.log ?? (() => undefined);
  const db = openScmDatabase(options.database ?? ":memory:");

  let rules = storedRules(db, log) ?? options.rules ?? loadRulesFile(SEED_RULES_PATH);
  writeSetting(db, RULES_SETTING, JSON.stringify(rules));
  const currentRules = (): ScmRulesFile => rules;
  const replaceRules = (next: ScmRulesFile): void => {
    writeSetting(db, RULES_SETTING, JSON.stringify(next));
    rules = next;
  };

  const tables = new Map(scmEntities.map((entity) => [entity.collection, new EntityTable(db, entity)]));
  const checker = new RecordChecker(tables, currentRules);
  if (options.seed === true && [...tables.values()].every((table) => table.count(undefined) === 0)) {
    seedScmData(db, tables, checker);
  }

  const writeLock = new AsyncMutex();
  const endpoints = new EventEndpointStore(db);
  const outbox = new EventOutbox(db, { ...defaultRetryPolicy, ...options.retry }, log);
  const writer = new ScmWriter({ db, tables, checker, endpoints, outbox, writeLock });
  const throttle = new Throttle(options.throttling);

  const onServerError = (error: unknown): void => {
    log(`SCM emulator: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  };
  const data = new Router({ renderError: renderODataError, onServerError });
  addBatchRoute(data, { prefix, writer, defaultCompany, bodyLimitBytes });
  addDataRoutes(data, {
    prefix,
    tables,
    writer,
    defaultCompany,
    maxPageSize: options.maxPageSize ?? 10_000,
    bodyLimitBytes,
  });
  addAdminRoutes(data, {
    prefix,
    rules: currentRules,
    replaceRules,
    endpoints,
    outbox,
    throttle,
    writeLock,
    bodyLimitBytes,
  });
  const services = new Router({ renderError: renderServiceError, onServerError });
  if (options.validationService === true)
    addValidationServiceRoute(services, { prefix, checker, defaultCompany, bodyLimitBytes });
  addInventoryServiceRoutes(services, {
    prefix,
    writer,
    db,
    tables,
    companies: () => Object.keys(currentRules().companies),
    defaultCompany,
    bodyLimitBytes,
  });

  // Custom services answer in F&O's service fault shape; everything else in the OData error shape.
  // Throttling covers SCM's APIs (OData and services), not the emulator's admin endpoints.
  const root = new Router({ renderError: renderODataError, onServerError })
    .on("*", `${prefix}/api/services`, ({ req, res }) => {
      throttle.admit();
      return services.dispatch(req, res);
    })
    .on("*", `${prefix}/admin`, ({ req, res }) => data.dispatch(req, res))
    .on("*", prefix, ({ req, res }) => {
      throttle.admit();
      return data.dispatch(req, res);
    });

  outbox.kick();
  let closed = false;
  return {
    prefix,
    handle: (req, res) => root.dispatch(req, res),
    close: async () => {
      if (closed) return;
      closed = true;
      await outbox.close();
      await writeLock.runExclusive(() => {
        db.close();
      });
    },
    rules: currentRules,
    db,
  };
}

/** The rules saved by the last run (a PUT survives a restart); unreadable ones are reported and replaced. */
function storedRules(db: ScmDatabase, log: (message: string) => void): ScmRulesFile | undefined {
  const text = readSetting(db, RULES_SETTING);
  if (text === undefined) return undefined;
  const parsed = rulesFileSchema.safeParse(JSON.parse(text));
  if (!parsed.success) log("SCM emulator: the stored rules are no longer valid; starting from the configured rules.");
  return parsed.success ? parsed.data : undefined;
}
