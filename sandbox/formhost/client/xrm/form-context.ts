/// <reference types="xrm" />
/**
 * The form context handed to form scripts — `data` (the row and its attributes, `save`,
 * `refresh`), `data.entity`, `ui` (notifications, tabs, controls, `close`, `getFormType`) and
 * `getAttribute`/`getControl` — as thin facades over the form's runtime (`FormRuntime`), which
 * owns the state and the save pipeline.
 */
import type { HostAttribute } from "./attribute";
import { HostItemCollection } from "./collection";
import type { HostStandardControl, HostTab } from "./controls";
import type { ContextHandler } from "./events";

export type FormNotificationLevel = "ERROR" | "WARNING" | "INFO";

export interface FormNotification {
  readonly uniqueId: string;
  readonly level: FormNotificationLevel;
  readonly message: string;
}

/** What the facades call on the runtime. */
export interface FormRuntimePort {
  readonly tableName: string;
  attributes(): readonly HostAttribute[];
  controls(): readonly HostStandardControl[];
  tabs(): readonly HostTab[];
  recordId(): string;
  primaryName(): string;
  formType(): XrmEnum.FormType;
  save(saveMode: number): Promise<void>;
  refresh(save: boolean): Promise<void>;
  close(): void;
  setFormNotification(notification: FormNotification): void;
  clearFormNotification(uniqueId: string): boolean;
  addSaveHandler(handler: ContextHandler): void;
  removeSaveHandler(handler: ContextHandler): void;
  addPostSaveHandler(handler: ContextHandler): void;
  removePostSaveHandler(handler: ContextHandler): void;
  addDataLoadHandler(handler: ContextHandler): void;
  removeDataLoadHandler(handler: ContextHandler): void;
  addFormLoadHandler(handler: ContextHandler): void;
  removeFormLoadHandler(handler: ContextHandler): void;
  setFormTitle(title: string): void;
  refreshCommandBar(): void;
  viewport(): { readonly width: number; readonly height: number };
}

const saveModeByName: Readonly<Record<string, number>> = { saveandclose: 2, saveandnew: 59 };

function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

export class HostEntity {
  readonly attributes: HostItemCollection<HostAttribute>;

  constructor(private readonly runtime: FormRuntimePort) {
    this.attributes = new HostItemCollection(() => runtime.attributes());
  }

  getEntityName(): string {
    return this.runtime.tableName;
  }

  /** `{GUID}` of a saved row; an empty string on a new one. */
  getId(): string {
    return this.runtime.recordId();
  }

  getEntityReference(): Xrm.LookupValue {
    return { entityType: this.runtime.tableName, id: this.runtime.recordId(), name: this.runtime.primaryName() };
  }

  getPrimaryAttributeValue(): string {
    return this.runtime.primaryName();
  }

  getIsDirty(): boolean {
    return this.runtime.attributes().some((attribute) => attribute.getIsDirty());
  }

  isValid(): boolean {
    return this.runtime.attributes().every((attribute) => attribute.isValid());
  }

  /** The changed columns as the legacy `getDataXml` reports them. */
  getDataXml(): string {
    const changed = this.runtime
      .attributes()
      .filter((attribute) => attribute.getIsDirty())
      .map((attribute) => {
        const value = attribute.getValue();
        const text =
          value === null
            ? ""
            : Array.isArray(value)
              ? (value[0]?.id ?? "")
              : value instanceof Date
                ? value.toISOString()
                : String(value);
        return `<${attribute.getName()}>${escapeXml(text)}</${attribute.getName()}>`;
      });
    return `<${this.runtime.tableName}>${changed.join("")}</${this.runtime.tableName}>`;
  }

  /** The legacy save: `"saveandclose"` and `"saveandnew"` also close or open a new form. */
  save(saveMode?: string): void {
    void this.runtime.save(saveModeByName[saveMode ?? ""] ?? 1);
  }

  addOnSave(handler: ContextHandler): void {
    this.runtime.addSaveHandler(handler);
  }

  removeOnSave(handler: ContextHandler): void {
    this.runtime.removeSaveHandler(handler);
  }

  addOnPostSave(handler: ContextHandler): void {
    this.runtime.addPostSaveHandler(handler);
  }

  removeOnPostSave(handler: ContextHandler): void {
    this.runtime.removePostSaveHandler(handler);
  }
}

export class HostData {
  readonly entity: HostEntity;
  readonly attributes: HostItemCollection<HostAttribute>;

  constructor(private readonly runtime: FormRuntimePort) {
    this.entity = new HostEntity(runtime);
    this.attributes = this.entity.attributes;
  }

  getIsDirty(): boolean {
    return this.entity.getIsDirty();
  }

  isValid(): boolean {
    return this.entity.isValid();
  }

  /**
   * Saves the row. The save mode only labels the save (learn.microsoft.com, "formContext.data.save":
   * "setting the saveMode doesn't actually take the corresponding action"); the promise rejects with
   * `{ errorCode, message }` when the save is cancelled or fails.
   */
  save(saveOptions?: Xrm.SaveOptions): Promise<undefined> {
    return this.runtime.save(saveOptions?.saveMode ?? 1).then(() => undefined);
  }

  refresh(save: boolean): Promise<undefined> {
    return this.runtime.refresh(save).then(() => undefined);
  }

  addOnLoad(handler: ContextHandler): void {
    this.runtime.addDataLoadHandler(handler);
  }

  removeOnLoad(handler: ContextHandler): void {
    this.runtime.removeDataLoadHandler(handler);
  }
}

export class HostUi {
  readonly tabs: HostItemCollection<HostTab>;
  readonly controls: HostItemCollection<HostStandardControl>;

  constructor(private readonly runtime: FormRuntimePort) {
    this.tabs = new HostItemCollection(() => runtime.tabs());
    this.controls = new HostItemCollection(() => runtime.controls());
  }

  setFormNotification(message: string, level: FormNotificationLevel, uniqueId: string): boolean {
    if (message === "" || !["ERROR", "WARNING", "INFO"].includes(level)) return false;
    this.runtime.setFormNotification({ message, level, uniqueId });
    return true;
  }

  clearFormNotification(uniqueId: string): boolean {
    return this.runtime.clearFormNotification(uniqueId);
  }

  close(): void {
    this.runtime.close();
  }

  getFormType(): XrmEnum.FormType {
    return this.runtime.formType();
  }

  getViewPortWidth(): number {
    return this.runtime.viewport().width;
  }

  getViewPortHeight(): number {
    return this.runtime.viewport().height;
  }

  refreshRibbon(): void {
    this.runtime.refreshCommandBar();
  }

  setFormEntityName(name: string): void {
    this.runtime.setFormTitle(name);
  }

  addOnLoad(handler: ContextHandler): void {
    this.runtime.addFormLoadHandler(handler);
  }

  addLoaded(handler: ContextHandler): void {
    this.runtime.addFormLoadHandler(handler);
  }

  removeOnLoad(handler: ContextHandler): void {
    this.runtime.removeFormLoadHandler(handler);
  }
}

export class HostFormContext {
  readonly data: HostData;
  readonly ui: HostUi;

  constructor(private readonly runtime: FormRuntimePort) {
    this.data = new HostData(runtime);
    this.ui = new HostUi(runtime);
  }

  getAttribute(delegate?: Xrm.Collection.MatchingDelegate<HostAttribute>): HostAttribute[];
  getAttribute(nameOrIndex: string | number): HostAttribute | null;
  getAttribute(
    selector?: string | number | Xrm.Collection.MatchingDelegate<HostAttribute>,
  ): HostAttribute | HostAttribute[] | null {
    if (selector === undefined) return this.data.attributes.get();
    if (typeof selector === "function") return this.data.attributes.get(selector);
    return this.data.attributes.get(selector);
  }

  getControl(delegate?: Xrm.Collection.MatchingDelegate<HostStandardControl>): HostStandardControl[];
  getControl(nameOrIndex: string | number): HostStandardControl | null;
  getControl(
    selector?: string | number | Xrm.Collection.MatchingDelegate<HostStandardControl>,
  ): HostStandardControl | HostStandardControl[] | null {
    if (selector === undefined) return this.ui.controls.get();
    if (typeof selector === "function") return this.ui.controls.get(selector);
    return this.ui.controls.get(selector);
  }
}
