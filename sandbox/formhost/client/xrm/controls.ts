/// <reference types="xrm" />
/**
 * Controls, sections and tabs of the form (`formContext.getControl`, `ui.tabs`). A control carries
 * its label, visibility, disabled state and notifications; an ERROR notification set with
 * `setNotification`/`addNotification` blocks saving until it is cleared (learn.microsoft.com,
 * "setNotification (Client API reference)").
 */
import type { HostAttribute } from "./attribute";
import { HostItemCollection } from "./collection";
import type { ContextHandler } from "./events";

export interface ControlHost {
  changed(): void;
  /** Moves keyboard focus to the control's editor. */
  focus(control: HostStandardControl): void;
}

export interface ControlNotification {
  readonly uniqueId: string;
  readonly level: "ERROR" | "RECOMMENDATION";
  readonly messages: readonly string[];
}

type StandardControlMembers = Omit<
  Xrm.Controls.StandardControl,
  "getParent" | "getAttribute" | "getControlType" | "addOnOutputChange" | "removeOnOutputChange"
>;

export class HostStandardControl implements StandardControlMembers {
  private label: string;
  private visible: boolean;
  private disabled: boolean;
  private readonly notifications = new Map<string, ControlNotification>();
  private readonly outputHandlers: ContextHandler[] = [];
  parent: HostSection | undefined;

  constructor(
    readonly name: string,
    readonly attribute: HostAttribute,
    /** `standard`, `lookup`, `optionset`, ... or the code component's name for a PCF cell. */
    readonly controlType: string,
    options: { readonly label: string; readonly visible: boolean; readonly disabled: boolean },
    private readonly host: ControlHost,
  ) {
    this.label = options.label;
    this.visible = options.visible;
    this.disabled = options.disabled;
  }

  getName(): string {
    return this.name;
  }

  getControlType(): string {
    return this.controlType;
  }

  getParent(): HostSection | null {
    return this.parent ?? null;
  }

  getAttribute(): HostAttribute {
    return this.attribute;
  }

  getLabel(): string {
    return this.label;
  }

  setLabel(label: string): void {
    this.label = label;
    this.host.changed();
  }

  getVisible(): boolean {
    return this.visible;
  }

  setVisible(visible: boolean): void {
    this.visible = visible;
    this.host.changed();
  }

  getDisabled(): boolean {
    return this.disabled;
  }

  setDisabled(disabled: boolean): void {
    this.disabled = disabled;
    this.host.changed();
  }

  setFocus(): void {
    this.host.focus(this);
  }

  setNotification(message: string, uniqueId: string): boolean {
    if (message === "") return false;
    this.notifications.set(uniqueId, { uniqueId, level: "ERROR", messages: [message] });
    this.host.changed();
    return true;
  }

  addNotification(notification: Xrm.Controls.AddControlNotificationOptions): void {
    const { uniqueId } = notification;
    this.notifications.set(uniqueId, {
      uniqueId,
      level: notification.notificationLevel ?? "ERROR",
      messages: notification.messages,
    });
    this.host.changed();
  }

  clearNotification(uniqueId?: string): boolean {
    const cleared = uniqueId === undefined ? this.notifications.size > 0 : this.notifications.has(uniqueId);
    if (uniqueId === undefined) this.notifications.clear();
    else this.notifications.delete(uniqueId);
    if (cleared) this.host.changed();
    return cleared;
  }

  notificationList(): ControlNotification[] {
    return [...this.notifications.values()];
  }

  /** ERROR notifications block saving. */
  hasBlockingNotification(): boolean {
    return [...this.notifications.values()].some((notification) => notification.level === "ERROR");
  }

  addOnOutputChange(handler: ContextHandler): void {
    this.outputHandlers.push(handler);
  }

  removeOnOutputChange(handler: ContextHandler): void {
    const index = this.outputHandlers.indexOf(handler);
    if (index >= 0) this.outputHandlers.splice(index, 1);
  }

  outputChangeHandlers(): readonly ContextHandler[] {
    return this.outputHandlers;
  }

  /** The bound value as the control last reported it. */
  getOutputs(): Record<string, Xrm.Controls.FieldControlOutput> {
    return { [`${this.name}.fieldControl-${this.attribute.getName()}`]: { value: this.attribute.getValue() } };
  }
}

export class HostSection {
  readonly controls: HostItemCollection<HostStandardControl>;
  readonly controlList: HostStandardControl[] = [];
  parent: HostTab | undefined;

  constructor(
    private readonly name: string,
    private label: string,
    private visible: boolean,
    private readonly host: ControlHost,
  ) {
    this.controls = new HostItemCollection(() => this.controlList);
  }

  getName(): string {
    return this.name;
  }

  getParent(): HostTab | null {
    return this.parent ?? null;
  }

  getLabel(): string {
    return this.label;
  }

  setLabel(label: string): void {
    this.label = label;
    this.host.changed();
  }

  getVisible(): boolean {
    return this.visible;
  }

  setVisible(visible: boolean): void {
    this.visible = visible;
    this.host.changed();
  }
}

export class HostTab {
  readonly sections: HostItemCollection<HostSection>;
  readonly sectionList: HostSection[] = [];
  private displayState: Xrm.DisplayState = "expanded";
  private readonly stateHandlers: ContextHandler[] = [];

  constructor(
    private readonly name: string,
    private label: string,
    private visible: boolean,
    private readonly host: ControlHost & {
      selectTab(tab: HostTab): void;
      runHandlers(handlers: readonly ContextHandler[]): void;
    },
  ) {
    this.sections = new HostItemCollection(() => this.sectionList);
  }

  getName(): string {
    return this.name;
  }

  getLabel(): string {
    return this.label;
  }

  setLabel(label: string): void {
    this.label = label;
    this.host.changed();
  }

  getVisible(): boolean {
    return this.visible;
  }

  setVisible(visible: boolean): void {
    this.visible = visible;
    this.host.changed();
  }

  getDisplayState(): Xrm.DisplayState {
    return this.displayState;
  }

  setDisplayState(state: Xrm.DisplayState): void {
    if (state === this.displayState) return;
    this.displayState = state;
    this.host.changed();
    this.host.runHandlers(this.stateHandlers);
  }

  /** Shows the tab (the host's tab strip shows one tab at a time). */
  setFocus(): void {
    this.host.selectTab(this);
  }

  addTabStateChange(handler: ContextHandler): void {
    this.stateHandlers.push(handler);
  }

  removeTabStateChange(handler: ContextHandler): void {
    const index = this.stateHandlers.indexOf(handler);
    if (index >= 0) this.stateHandlers.splice(index, 1);
  }
}
