/// <reference types="xrm" />
/**
 * A form attribute (`formContext.getAttribute(name)`): the column's value, whether it changed
 * since the row was read, its requirement level and submit mode, and its OnChange handlers.
 * As on the platform, `setValue` never fires OnChange — a user's edit does, and so does
 * `fireOnChange()` (learn.microsoft.com, "setValue (Client API reference)").
 */
import { choiceLabel } from "../platform-strings";
import type { ColumnDefinition } from "@fsi/core/dataverse/schema";
import { HostItemCollection } from "./collection";
import type { HostStandardControl } from "./controls";
import type { ContextHandler } from "./events";
import type { HostEntity } from "./form-context";
import { attributeTypeOf, sameAttributeValue, type AttributeValue } from "./values";

/** What an attribute needs from the form it belongs to. */
export interface AttributeHost {
  /** Something the user can see changed: render again. */
  changed(): void;
  /** Runs OnChange handlers with an execution context whose event source is `attribute`. */
  runOnChange(attribute: HostAttribute, handlers: readonly ContextHandler[]): void;
  readonly entity: HostEntity;
}

type AttributeMembers = Omit<
  Xrm.Attributes.Attribute,
  "controls" | "getParent" | "getValue" | "setValue" | "addOnChange" | "removeOnChange"
>;

export class HostAttribute implements AttributeMembers {
  readonly controls: HostItemCollection<HostStandardControl>;
  readonly controlList: HostStandardControl[] = [];
  private value: AttributeValue | null;
  private initial: AttributeValue | null;
  private readonly handlers: ContextHandler[] = [];
  private requiredLevel: Xrm.Attributes.RequirementLevel;
  private submitMode: Xrm.SubmitMode = "dirty";
  private precision: number | undefined;
  private validity: { readonly valid: boolean; readonly message?: string } = { valid: true };

  constructor(
    readonly name: string,
    readonly column: ColumnDefinition,
    private readonly host: AttributeHost,
    value: AttributeValue | null,
  ) {
    this.value = value;
    this.initial = value;
    this.requiredLevel = column.required === true ? "required" : "none";
    this.precision = "precision" in column ? column.precision : column.type === "integer" ? 0 : undefined;
    this.controls = new HostItemCollection(() => this.controlList);
  }

  getName(): string {
    return this.name;
  }

  getAttributeType(): Xrm.Attributes.AttributeType {
    return attributeTypeOf(this.column);
  }

  getFormat(): Xrm.Attributes.AttributeFormat {
    switch (this.column.type) {
      case "datetime":
        return this.column.behavior === "DateOnly" ? "date" : "datetime";
      case "memo":
        return "textarea";
      case "integer":
        return "none";
      default:
        return "text";
    }
  }

  getParent(): HostEntity {
    return this.host.entity;
  }

  getValue(): AttributeValue | null {
    return this.value;
  }

  /** Sets the value without firing OnChange (the platform's `setValue`). */
  setValue(value: AttributeValue | null | undefined): void {
    this.value = this.checked(value ?? null);
    this.host.changed();
  }

  /** A user's edit: set the value, then run OnChange, as the platform does when a field loses focus. */
  setValueFromUser(value: AttributeValue | null): void {
    const changed = !sameAttributeValue(this.value, value);
    this.setValue(value);
    if (changed) this.fireOnChange();
  }

  getInitialValue(): AttributeValue | null {
    return this.initial;
  }

  getIsDirty(): boolean {
    return !sameAttributeValue(this.value, this.initial);
  }

  /** After a save or a refresh, the stored value is the new baseline. */
  resetBaseline(value: AttributeValue | null): void {
    this.value = value;
    this.initial = value;
  }

  addOnChange(handler: ContextHandler): void {
    this.handlers.push(handler);
  }

  removeOnChange(handler: ContextHandler): void {
    const index = this.handlers.indexOf(handler);
    if (index >= 0) this.handlers.splice(index, 1);
  }

  fireOnChange(): void {
    this.host.runOnChange(this, [...this.handlers]);
  }

  getRequiredLevel(): Xrm.Attributes.RequirementLevel {
    return this.requiredLevel;
  }

  setRequiredLevel(requirementLevel: Xrm.Attributes.RequirementLevel): void {
    this.requiredLevel = requirementLevel;
    this.host.changed();
  }

  getSubmitMode(): Xrm.SubmitMode {
    return this.submitMode;
  }

  setSubmitMode(submitMode: Xrm.SubmitMode): void {
    this.submitMode = submitMode;
  }

  /** Whether a save sends this column: `always`, or `dirty` and changed; `never` never. */
  submits(isCreate: boolean): boolean {
    if (this.submitMode === "never") return false;
    if (this.submitMode === "always") return true;
    return this.getIsDirty() || (isCreate && this.value !== null);
  }

  getUserPrivilege(): Xrm.Privilege {
    return { canRead: true, canUpdate: this.column.readOnly !== true, canCreate: this.column.readOnly !== true };
  }

  setIsValid(isValid: boolean, message?: string): void {
    this.validity = isValid ? { valid: true } : { valid: false, ...(message === undefined ? {} : { message }) };
    this.host.changed();
  }

  isValid(): boolean {
    return this.validity.valid;
  }

  invalidMessage(): string | undefined {
    return this.validity.message;
  }

  // Type-specific members the platform offers on the matching attribute types.

  getMaxLength(): number | undefined {
    return this.column.type === "string" || this.column.type === "memo" ? this.column.maxLength : undefined;
  }

  getMin(): number | undefined {
    return "min" in this.column ? this.column.min : undefined;
  }

  getMax(): number | undefined {
    return "max" in this.column ? this.column.max : undefined;
  }

  getPrecision(): number | undefined {
    return this.precision;
  }

  setPrecision(value: number): void {
    this.precision = value;
    this.host.changed();
  }

  getOptions(): Xrm.OptionSetValue[] {
    return "options" in this.column
      ? this.column.options.map((option) => ({ value: option.value, text: choiceLabel(this.column, option) }))
      : [];
  }

  getOption(valueOrText: number | string): Xrm.OptionSetValue | null {
    return this.getOptions().find((option) => option.value === valueOrText || option.text === valueOrText) ?? null;
  }

  getSelectedOption(): Xrm.OptionSetValue | null {
    return typeof this.value === "number" ? this.getOption(this.value) : null;
  }

  getText(): string | null {
    return this.getSelectedOption()?.text ?? null;
  }

  getIsPartyList(): boolean {
    return false;
  }

  /** The platform refuses a value of the wrong type; so do we, naming the column. */
  private checked(value: AttributeValue | null): AttributeValue | null {
    if (value === null) return null;
    const type = this.column.type;
    const fail = (expected: string): never => {
      throw new TypeError(`${this.name} is a ${type} column; setValue needs ${expected}.`);
    };
    switch (type) {
      case "lookup":
        if (!Array.isArray(value)) fail("an array of { id, name, entityType }");
        return value;
      case "datetime":
        if (!(value instanceof Date)) fail("a Date");
        return value;
      case "boolean":
        if (typeof value !== "boolean") fail("true or false");
        return value;
      case "string":
      case "memo":
      case "uniqueidentifier":
        if (typeof value !== "string") fail("a string");
        return value;
      default:
        if (typeof value !== "number" || !Number.isFinite(value)) fail("a number");
        return value;
    }
  }
}
