/// <reference types="xrm" />
/**
 * One open form: its attributes, controls, tabs and notifications, the events (OnLoad, OnChange,
 * OnSave, OnPostSave, data OnLoad) and the save pipeline — how a model-driven app runs a form:
 *
 * 1. Save is refused before any handler runs while a required column is empty or a control shows
 *    an error notification (an ERROR set by `setNotification` blocks saving until cleared).
 * 2. OnSave handlers run in order (FormXml's, then `addOnSave`'s) with save event arguments for the
 *    save mode. With the app setting "Async save handler" on, returned promises are awaited (10 s
 *    each unless a handler disabled the timeout) and a rejection or timeout cancels the save for a
 *    handler that called `preventDefaultOnError`; off, promises are not awaited.
 * 3. A cancelled save stops there; otherwise the changed columns go to the Web API (create or
 *    update), the row is read back, data OnLoad runs (state 2, save) and OnPostSave reports the
 *    outcome, success or the server's error. Offline the Web API keeps the write on the device
 *    (uploaded once back online) and the form keeps what the user saved.
 *
 * The save mode only labels the save; Save and Close and Save and New close or open a form after
 * a successful save from the command bar, never from `data.save` (learn.microsoft.com).
 */
import type { TableDefinition } from "@fsi/core/dataverse/schema";
import { toWebApiBody, type DataverseRecord } from "@fsi/core/dataverse/record";
import type { AppDescription, CellDescription, FormDescription, HandlerDescription } from "../../shared/contract";
import { HostAttribute, type AttributeHost } from "../xrm/attribute";
import { HostSection, HostStandardControl, HostTab, type ControlHost } from "../xrm/controls";
import {
  AsyncSaveEventArguments,
  type ContextHandler,
  HandlerCursor,
  HostEventContext,
  LoadEventArguments,
  PostSaveEventArguments,
  SaveEventArguments,
} from "../xrm/events";
import { HostFormContext, type FormNotification, type FormRuntimePort } from "../xrm/form-context";
import { attributeValuesOf, bareGuid, bracedId, toDataverseValue, type AttributeValue } from "../xrm/values";
import type { SandboxWebApi } from "../web-api";
import { viewportFormFactor } from "../session";
import { localized, platformStrings } from "../platform-strings";
import type { HostGlobalContext } from "../xrm/global";
import { invokeHandler, isThenable, settleWithin } from "./handlers";

/** The platform's limit for each promise an async handler returns (learn.microsoft.com, "Async OnSave"). */
export const ASYNC_HANDLER_TIMEOUT_MS = 10_000;

export const SaveMode = { Save: 1, SaveAndClose: 2, SaveAndNew: 59, AutoSave: 70 } as const;

export interface HostMessage {
  readonly id: string;
  readonly level: "ERROR" | "WARNING" | "INFO";
  readonly message: string;
}

export class SaveNotCompleted extends Error {
  override readonly name = "SaveNotCompleted";
  constructor(
    message: string,
    readonly errorCode: number,
    readonly reason: "blocked" | "cancelled" | "failed",
  ) {
    super(message);
  }
}

export interface FormRuntimeOptions {
  readonly app: AppDescription;
  readonly form: FormDescription;
  readonly table: TableDefinition;
  readonly webApi: SandboxWebApi;
  /** The loaded row (Web API JSON), or undefined for a new row. */
  readonly row: Readonly<Record<string, unknown>> | undefined;
  readonly globalContext: () => HostGlobalContext;
  readonly asyncSaveHandlers: () => boolean;
  /** Leaves the form (Save and Close, `ui.close`). */
  readonly close: () => void;
  /** Opens a new form of the same table (Save and New). */
  readonly openNew: () => void;
  /** The row got an id (first save): the address bar should show it. */
  readonly onRecordCreated: (id: string) => void;
  /** Where functions named by FormXml are looked up (the page's `window`). */
  readonly handlerRoot?: object;
}

type SaveHandler = ContextHandler;
type LoadHandler = ContextHandler;

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class FormRuntime implements FormRuntimePort, AttributeHost, ControlHost {
  readonly tableName: string;
  readonly formContext: HostFormContext;
  readonly form: FormDescription;
  readonly table: TableDefinition;
  private readonly attributeMap = new Map<string, HostAttribute>();
  private readonly controlList: HostStandardControl[] = [];
  private readonly tabList: HostTab[] = [];
  /** Which cell each control renders, for the view. */
  readonly cellOf = new Map<HostStandardControl, CellDescription>();
  private readonly notifications = new Map<string, FormNotification>();
  private readonly hostMessageMap = new Map<string, HostMessage>();
  private readonly saveHandlers: SaveHandler[] = [];
  private readonly postSaveHandlers: ContextHandler[] = [];
  private readonly dataLoadHandlers: ContextHandler[] = [];
  private readonly formLoadHandlers: LoadHandler[] = [];
  private readonly listeners = new Set<() => void>();
  private readonly focusListeners = new Set<(control: HostStandardControl) => void>();
  private id: string;
  private name: string;
  private title: string | undefined;
  private writing: Promise<void> = Promise.resolve();
  selectedTab: HostTab | undefined;
  /** What the form is doing, for the status line (`Saving...`). */
  busy: string | undefined;
  private renderScheduled = false;

  constructor(private readonly options: FormRuntimeOptions) {
    this.form = options.form;
    this.table = options.table;
    this.tableName = options.table.logicalName;
    const row = options.row;
    const rowId = row?.[options.table.primaryIdAttribute];
    this.id = typeof rowId === "string" ? rowId : "";
    const rowName = row?.[options.table.primaryNameAttribute];
    this.name = typeof rowName === "string" ? rowName : "";
    this.formContext = new HostFormContext(this);
    const values = row === undefined ? new Map<string, AttributeValue | null>() : attributeValuesOf(options.table, row);
    this.build(values);
  }

  /** Creates the attributes (every column a cell or a code component uses), controls, sections, tabs. */
  private build(values: ReadonlyMap<string, AttributeValue | null>): void {
    const attributeFor = (column: string): HostAttribute | undefined => {
      const known = this.attributeMap.get(column);
      if (known !== undefined) return known;
      const definition = this.table.columns[column];
      if (definition === undefined) return undefined;
      const attribute = new HostAttribute(column, definition, this, values.get(column) ?? null);
      this.attributeMap.set(column, attribute);
      return attribute;
    };
    for (const tabDescription of this.form.tabs) {
      const tab = new HostTab(
        tabDescription.name,
        localized(tabDescription.labels, tabDescription.label),
        tabDescription.visible,
        this,
      );
      for (const sectionDescription of tabDescription.sections) {
        // A section not available for phones is not shown there (FormXml `availableforphone`).
        const onThisDevice = sectionDescription.availableForPhone || viewportFormFactor() !== 3;
        const section = new HostSection(
          sectionDescription.name,
          localized(sectionDescription.labels, sectionDescription.label),
          sectionDescription.visible && onThisDevice,
          this,
        );
        section.parent = tab;
        for (const cell of sectionDescription.cells) {
          const attribute = attributeFor(cell.column);
          if (attribute === undefined) continue;
          for (const custom of cell.customControls) {
            for (const parameter of Object.values(custom.parameters)) {
              if (parameter.kind === "bound") attributeFor(parameter.column);
            }
          }
          const controlType =
            cell.customControls[0]?.name ??
            (attribute.getAttributeType() === "lookup"
              ? "lookup"
              : attribute.getAttributeType() === "optionset"
                ? "optionset"
                : "standard");
          const control = new HostStandardControl(
            cell.controlId,
            attribute,
            controlType,
            { label: localized(cell.labels, cell.label), visible: cell.visible, disabled: cell.disabled },
            this,
          );
          control.parent = section;
          attribute.controlList.push(control);
          section.controlList.push(control);
          this.controlList.push(control);
          this.cellOf.set(control, cell);
        }
        tab.sectionList.push(section);
      }
      this.tabList.push(tab);
    }
    this.selectedTab = this.tabList.find((tab) => tab.getVisible());
  }

  // ---- state the view reads ----

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onFocusRequest(listener: (control: HostStandardControl) => void): void {
    this.focusListeners.add(listener);
  }

  /** Renders once per task however many things changed. */
  changed(): void {
    if (this.renderScheduled) return;
    this.renderScheduled = true;
    queueMicrotask(() => {
      this.renderScheduled = false;
      for (const listener of this.listeners) listener();
    });
  }

  focus(control: HostStandardControl): void {
    const tab = control.parent?.parent;
    if (tab !== undefined) this.selectTab(tab);
    for (const listener of this.focusListeners) listener(control);
  }

  selectTab(tab: HostTab): void {
    this.selectedTab = tab;
    this.changed();
  }

  formNotifications(): FormNotification[] {
    return [...this.notifications.values()];
  }

  hostMessages(): HostMessage[] {
    return [...this.hostMessageMap.values()];
  }

  showHostMessage(message: HostMessage): void {
    this.hostMessageMap.set(message.id, message);
    this.changed();
  }

  dismissHostMessage(id: string): void {
    if (this.hostMessageMap.delete(id)) this.changed();
  }

  attribute(name: string): HostAttribute | undefined {
    return this.attributeMap.get(name);
  }

  /** Columns that can be set on create only are locked once the row exists. */
  isLocked(attribute: HostAttribute): boolean {
    return attribute.column.readOnly === true || (attribute.column.createOnly === true && this.id !== "");
  }

  get entity() {
    return this.formContext.data.entity;
  }

  // ---- FormRuntimePort ----

  attributes(): readonly HostAttribute[] {
    return [...this.attributeMap.values()];
  }

  controls(): readonly HostStandardControl[] {
    return this.controlList;
  }

  tabs(): readonly HostTab[] {
    return this.tabList;
  }

  recordId(): string {
    return this.id === "" ? "" : bracedId(this.id);
  }

  primaryName(): string {
    const value = this.attributeMap.get(this.table.primaryNameAttribute)?.getValue();
    return typeof value === "string" ? value : this.name;
  }

  formType(): XrmEnum.FormType {
    return (this.id === "" ? 1 : 2) as XrmEnum.FormType;
  }

  setFormNotification(notification: FormNotification): void {
    this.notifications.set(notification.uniqueId, notification);
    this.changed();
  }

  clearFormNotification(uniqueId: string): boolean {
    const cleared = this.notifications.delete(uniqueId);
    if (cleared) this.changed();
    return cleared;
  }

  addSaveHandler(handler: SaveHandler): void {
    this.saveHandlers.push(handler);
  }

  removeSaveHandler(handler: SaveHandler): void {
    const index = this.saveHandlers.indexOf(handler);
    if (index >= 0) this.saveHandlers.splice(index, 1);
  }

  addPostSaveHandler(handler: ContextHandler): void {
    this.postSaveHandlers.push(handler);
  }

  removePostSaveHandler(handler: ContextHandler): void {
    const index = this.postSaveHandlers.indexOf(handler);
    if (index >= 0) this.postSaveHandlers.splice(index, 1);
  }

  addDataLoadHandler(handler: ContextHandler): void {
    this.dataLoadHandlers.push(handler);
  }

  removeDataLoadHandler(handler: ContextHandler): void {
    const index = this.dataLoadHandlers.indexOf(handler);
    if (index >= 0) this.dataLoadHandlers.splice(index, 1);
  }

  addFormLoadHandler(handler: LoadHandler): void {
    this.formLoadHandlers.push(handler);
  }

  removeFormLoadHandler(handler: LoadHandler): void {
    const index = this.formLoadHandlers.indexOf(handler);
    if (index >= 0) this.formLoadHandlers.splice(index, 1);
  }

  setFormTitle(title: string): void {
    this.title = title;
    this.changed();
  }

  formTitle(): string {
    // The header shows the row as saved, as model-driven forms do; an unsaved edit does not rename it.
    if (this.title !== undefined) return this.title;
    if (this.id === "") return `New ${this.table.displayName}`;
    return this.name !== "" ? this.name : `${this.table.displayName} (no name)`;
  }

  refreshCommandBar(): void {
    this.changed();
  }

  viewport(): { readonly width: number; readonly height: number } {
    return { width: window.innerWidth, height: window.innerHeight };
  }

  close(): void {
    this.options.close();
  }

  // ---- events ----

  private context<TSource, TArgs>(source: TSource, args: TArgs, shared: Map<string, unknown>, depth = 0) {
    return new HostEventContext(this.formContext, this.options.globalContext(), source, args, shared, depth);
  }

  private reportScriptError(handlerName: string, error: unknown): void {
    // The platform shows a script error and goes on with the next handler.
    this.showHostMessage({
      id: `script-error:${handlerName}`,
      level: "ERROR",
      message: `One of the scripts for this record has caused an error (${handlerName}): ${errorMessage(error)}`,
    });
  }

  private callHandler(name: string, run: () => unknown): unknown {
    try {
      return run();
    } catch (error) {
      this.reportScriptError(name, error);
      return undefined;
    }
  }

  runOnChange(attribute: HostAttribute, handlers: readonly ContextHandler[]): void {
    const shared = new Map<string, unknown>();
    const context = this.context(attribute, undefined, shared);
    for (const handler of this.form.events.onchange[attribute.getName()] ?? []) {
      if (handler.enabled)
        this.callHandler(handler.functionName, () => invokeHandler(handler, context, this.options.handlerRoot));
    }
    for (const handler of handlers) this.callHandler("OnChange handler", () => handler(context));
  }

  runHandlers(handlers: readonly ContextHandler[]): void {
    const context = this.context(undefined, undefined, new Map());
    for (const handler of handlers) this.callHandler("event handler", () => handler(context));
  }

  /** Form OnLoad: FormXml's handlers, then `ui.addOnLoad`'s; async handlers are awaited (10 s each). */
  async load(): Promise<void> {
    const shared = new Map<string, unknown>();
    const context = this.context(this.formContext.ui, new LoadEventArguments(1), shared);
    const pending: { name: string; promise: PromiseLike<unknown> }[] = [];
    const enabled = this.form.events.onload.filter((handler) => handler.enabled);
    for (const handler of enabled) {
      const result = this.callHandler(handler.functionName, () =>
        invokeHandler(handler, context, this.options.handlerRoot),
      );
      if (isThenable(result)) pending.push({ name: handler.functionName, promise: result });
    }
    for (const handler of [...this.formLoadHandlers]) {
      const result = this.callHandler("OnLoad handler", () => handler(context));
      if (isThenable(result)) pending.push({ name: "OnLoad handler", promise: result });
    }
    for (const { name, promise } of pending) {
      const outcome = await settleWithin(promise, ASYNC_HANDLER_TIMEOUT_MS);
      if (!outcome.ok) this.reportScriptError(name, outcome.reason);
    }
    this.runDataLoad(1);
  }

  private runDataLoad(state: 1 | 2 | 3): void {
    const context = this.context(this.formContext.data, new LoadEventArguments(state), new Map());
    for (const handler of [...this.dataLoadHandlers]) this.callHandler("data OnLoad handler", () => handler(context));
  }

  // ---- save ----

  /** What stops a save before any handler runs: empty required columns and error notifications. */
  /**
   * How a message names a column: the label of a field the user can see and fill in — not a code
   * component standing for its section (its hidden label names the panel, not the field) — else the
   * column's display name.
   */
  private fieldName(attribute: HostAttribute, controls: readonly HostStandardControl[]): string {
    const field = controls.find((control) => {
      const cell = this.cellOf.get(control);
      return cell === undefined || (cell.showLabel && cell.customControls.length === 0);
    });
    return field?.getLabel() ?? attribute.column.displayName;
  }

  blockingProblems(): string | undefined {
    const visibleControls = (attribute: HostAttribute) =>
      attribute.controlList.filter((control) => control.getVisible());
    const missing = this.attributes().filter(
      (attribute) =>
        attribute.getRequiredLevel() === "required" &&
        attribute.getValue() === null &&
        visibleControls(attribute).length > 0,
    );
    if (missing.length > 0) {
      const labels = missing.map((attribute) => this.fieldName(attribute, visibleControls(attribute)));
      return platformStrings().requiredFields(labels.join(", "));
    }
    const withErrors = this.controlList.filter((control) => control.hasBlockingNotification());
    if (withErrors.length > 0) {
      return platformStrings().fixErrors(
        [...new Set(withErrors.map((control) => this.fieldName(control.getAttribute(), [control])))].join(", "),
      );
    }
    return undefined;
  }

  /** Runs OnSave; resolves true when the save may go on. */
  private async runOnSave(saveMode: number): Promise<boolean> {
    const asyncMode = this.options.asyncSaveHandlers();
    const cursor = new HandlerCursor();
    const latePrevent = (): void => {
      this.showHostMessage({
        id: "late-prevent-default",
        level: "WARNING",
        message: "An OnSave handler called preventDefault after it returned; the platform ignores that call.",
      });
    };
    const args = asyncMode
      ? new AsyncSaveEventArguments(saveMode, cursor, latePrevent)
      : new SaveEventArguments(saveMode, cursor, latePrevent);
    const context = this.context(this.formContext.data.entity, args, new Map());
    const handlers: { name: string; call: () => unknown }[] = [
      ...this.form.events.onsave
        .filter((handler: HandlerDescription) => handler.enabled)
        .map((handler) => ({
          name: handler.functionName,
          call: () => invokeHandler(handler, context, this.options.handlerRoot),
        })),
      ...this.saveHandlers.map((handler) => ({ name: "OnSave handler", call: () => handler(context) })),
    ];
    const pending: { index: number; name: string; promise: PromiseLike<unknown> }[] = [];
    const failedSynchronously = new Set<number>();
    handlers.forEach((handler, index) => {
      cursor.current = index;
      cursor.synchronous = true;
      try {
        const result = handler.call();
        if (isThenable(result)) pending.push({ index, name: handler.name, promise: result });
      } catch (error) {
        failedSynchronously.add(index);
        this.reportScriptError(handler.name, error);
      } finally {
        cursor.synchronous = false;
      }
    });
    let cancelled = [...failedSynchronously].some((index) => args.cancelOnError.has(index));
    if (asyncMode && args instanceof AsyncSaveEventArguments) {
      const outcomes = await Promise.all(
        pending.map(async (entry) => ({
          entry,
          outcome: await settleWithin(
            entry.promise,
            args.noTimeout.has(entry.index) ? undefined : ASYNC_HANDLER_TIMEOUT_MS,
          ),
        })),
      );
      for (const { entry, outcome } of outcomes) {
        if (outcome.ok) continue;
        if (args.cancelOnError.has(entry.index)) cancelled = true;
        else this.reportScriptError(entry.name, outcome.reason);
      }
    } else {
      // Async handlers off: the platform does not wait; a late failure is only reported.
      for (const entry of pending) {
        void settleWithin(entry.promise, undefined).then((outcome) => {
          if (!outcome.ok) this.reportScriptError(entry.name, outcome.reason);
        });
      }
    }
    return !(cancelled || args.isDefaultPrevented());
  }

  /** The Web API body of the save: every column the form submits. */
  private body(isCreate: boolean): Record<string, unknown> {
    const record: DataverseRecord = {};
    for (const attribute of this.attributes()) {
      if (!attribute.submits(isCreate) || this.isLocked(attribute)) continue;
      record[attribute.getName()] = toDataverseValue(attribute.column, attribute.getValue());
    }
    return toWebApiBody(this.table, record, isCreate ? "create" : "update");
  }

  private async write(): Promise<void> {
    const isCreate = this.id === "";
    const body = this.body(isCreate);
    if (isCreate) {
      const created = await this.options.webApi.createRecord(this.tableName, body);
      this.id = created.id;
      this.options.onRecordCreated(created.id);
    } else if (Object.keys(body).length > 0) {
      await this.options.webApi.updateRecord(this.tableName, this.id, body);
    }
    if (this.options.webApi.keepsWritesOnDevice()) this.keepAsSaved();
    else await this.reread();
  }

  /**
   * Offline the save stays on the device (it uploads once back online): the form shows what the
   * user saved as the row, since the server does not have it yet.
   */
  private keepAsSaved(): void {
    for (const attribute of this.attributes()) attribute.resetBaseline(attribute.getValue());
    this.name = this.primaryName();
    this.changed();
  }

  /** Reads the row again: every attribute takes the stored value as its new baseline. */
  private async reread(): Promise<void> {
    const columns = this.attributes().map((attribute) =>
      attribute.column.type === "lookup" ? `_${attribute.getName()}_value` : attribute.getName(),
    );
    const row = await this.options.webApi.retrieveRecord(
      this.tableName,
      this.id,
      `?$select=${[...new Set([this.table.primaryNameAttribute, ...columns])].join(",")}`,
    );
    const values = attributeValuesOf(this.table, row);
    for (const attribute of this.attributes()) attribute.resetBaseline(values.get(attribute.getName()) ?? null);
    const name = row[this.table.primaryNameAttribute];
    if (typeof name === "string") this.name = name;
    this.changed();
  }

  private postSave(success: boolean, error: { errorCode: number; message: string } | undefined): void {
    const args = new PostSaveEventArguments(this.entity.getEntityReference(), success, error);
    const context = this.context(this.formContext.data.entity, args, new Map());
    for (const handler of [...this.postSaveHandlers]) this.callHandler("OnPostSave handler", () => handler(context));
  }

  /**
   * The save pipeline (see the file comment). Resolves once the row is saved; rejects with
   * `SaveNotCompleted` (`{ errorCode, message }`) when it is blocked, cancelled or refused.
   */
  async save(saveMode: number): Promise<void> {
    this.dismissHostMessage("save-error");
    this.dismissHostMessage("save-blocked");
    const blocked = this.blockingProblems();
    if (blocked !== undefined) {
      this.showHostMessage({ id: "save-blocked", level: "ERROR", message: blocked });
      throw new SaveNotCompleted(blocked, 0x80040203, "blocked");
    }
    this.busy = platformStrings().saving;
    this.changed();
    try {
      if (!(await this.runOnSave(saveMode)))
        throw new SaveNotCompleted("The save was canceled by an OnSave handler.", 0x80040265, "cancelled");
      const afterHandlers = this.blockingProblems();
      if (afterHandlers !== undefined) {
        this.showHostMessage({ id: "save-blocked", level: "ERROR", message: afterHandlers });
        throw new SaveNotCompleted(afterHandlers, 0x80040203, "blocked");
      }
      const writing = this.writing.then(() => this.write());
      this.writing = writing.catch(() => undefined);
      try {
        await writing;
      } catch (error) {
        const message = errorMessage(error);
        const errorCode =
          typeof (error as { errorCode?: unknown }).errorCode === "number"
            ? (error as { errorCode: number }).errorCode
            : 0;
        this.showHostMessage({ id: "save-error", level: "ERROR", message: `The record was not saved: ${message}` });
        this.postSave(false, { errorCode, message });
        throw new SaveNotCompleted(message, errorCode, "failed");
      }
      this.runDataLoad(2);
      this.postSave(true, undefined);
    } finally {
      this.busy = undefined;
      this.changed();
    }
  }

  /** A command bar button: the save, then what the save mode asks for. */
  async saveFromCommand(saveMode: number): Promise<boolean> {
    try {
      await this.save(saveMode);
    } catch (error) {
      if (error instanceof SaveNotCompleted) return false;
      throw error;
    }
    if (saveMode === SaveMode.SaveAndClose) this.options.close();
    else if (saveMode === SaveMode.SaveAndNew) this.options.openNew();
    return true;
  }

  /** `data.refresh(save)`: optionally save, then read the row again (data OnLoad, state 3). */
  async refresh(save: boolean): Promise<void> {
    if (save) await this.save(SaveMode.Save);
    if (this.id === "") return;
    await this.reread();
    this.runDataLoad(3);
  }

  /** The record's id without braces ("" when new). */
  bareId(): string {
    return this.id === "" ? "" : bareGuid(this.id);
  }
}
