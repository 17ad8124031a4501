/**
 * Plug-ins that run inside the platform, as a first-party solution's .NET plug-ins do (Field
 * Service's inventory logic, for one): synchronous, in the operation's transaction, and every
 * request they make through their organization service runs in that same transaction, one level
 * deeper, with the step's context as its ParentContext (Learn, "Scalable customization design:
 * Database transactions": "Any message requests from the plug-in are performed within the
 * transaction"; IExecutionContext.Depth and ParentContext). These are the only operations the
 * emulator nests: a webhook handler's call back into the Web API is a request of its own.
 *
 * The emulator ships none; the sandbox's Field Service emulation (`sandbox/fieldservice`) registers
 * its own, and a test may register others.
 */
import type { TableDefinition } from "@fsi/core";
import type { Row, SqlValue } from "../storage/values";
import type { MessageName } from "./registrations";

/** What a platform plug-in may ask of the organization service: its requests join the transaction. */
export interface PlatformService {
  retrieve(table: TableDefinition, id: string): Row | undefined;
  /** The id of the row whose physical columns (lookups as `_x_value`) equal `values`. */
  findId(table: TableDefinition, values: Readonly<Record<string, SqlValue>>): string | undefined;
  create(table: TableDefinition, row: Row): Promise<string>;
  update(table: TableDefinition, id: string, changes: Row): Promise<void>;
}

export interface PlatformPluginExecution {
  readonly message: MessageName;
  readonly table: TableDefinition;
  readonly stage: number;
  readonly id: string;
  /** The columns the request set (Create, Update). */
  readonly target: Row;
  /** The row before the operation (Update, Delete). */
  readonly before: Row | undefined;
  /** The row after the main operation (PostOperation of Create and Update). */
  readonly after: Row | undefined;
  readonly depth: number;
  readonly service: PlatformService;
}

export interface PlatformPlugin {
  readonly name: string;
  readonly message: MessageName;
  /** Logical name of the table. */
  readonly table: string;
  /** 20 PreOperation or 40 PostOperation: in the transaction. */
  readonly stage: 20 | 40;
  /** Throwing refuses the operation; the message reaches the caller (as InvalidPluginExecutionException's does). */
  execute(execution: PlatformPluginExecution): Promise<void> | void;
}
