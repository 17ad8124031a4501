/// <reference types="xrm" />
/**
 * SCM's verdict on the form: each error on its column's controls, and one form notification that
 * summarises them (errors with no column on this form — unknown, unmapped or row-level — appear
 * there in full). Every notification has a fixed id so a new check replaces the old one and none is
 * left behind (docs/design.md §4: `control.setNotification` blocks saving until cleared).
 */
import type { ValidationIssue } from "@fsi/core/validation/contract";
import { userMessages } from "./messages";
import { localeOf, readableScmMessage } from "./readable-message";

export const notificationIds = {
  summary: "fsi-scm-summary",
  status: "fsi-scm-status",
  warnings: "fsi-scm-warnings",
  signIn: "fsi-scm-sign-in",
  column: (column: string) => `fsi-scm-${column}`,
} as const;

export type FormNotificationLevel = "ERROR" | "WARNING" | "INFO";

interface PlacedError {
  readonly label: string;
  readonly controls: readonly Xrm.Controls.StandardControl[];
}

function controlsOf(attribute: Xrm.Attributes.Attribute | null): Xrm.Controls.StandardControl[] {
  const controls: Xrm.Controls.StandardControl[] = [];
  attribute?.controls.forEach((control) => {
    controls.push(control);
  });
  return controls;
}

/** The user's language for dates in messages (Xrm's user settings; the browser's when absent). */
function userLocale(): string | undefined {
  const xrm = (globalThis as { Xrm?: Partial<Xrm.XrmStatic> }).Xrm;
  return localeOf(xrm?.Utility?.getGlobalContext().userSettings.languageId);
}

function labelOf(column: string, controls: readonly Xrm.Controls.StandardControl[]): string {
  const label = controls[0]?.getLabel();
  return label !== undefined && label !== "" ? label : column;
}

/** The notifications this library shows on one form. */
export class ScmNotifications {
  private readonly placed = new Map<string, PlacedError>();
  private unplaced: string[] = [];
  private headline = "";
  /** Columns whose OnChange clears their notification (registered once per column). */
  private readonly watched = new Set<string>();

  constructor(private readonly formContext: Xrm.FormContext) {}

  /** Replaces the errors shown (fields and summary) with SCM's; `headline` opens the summary. */
  showErrors(headline: string, errors: readonly ValidationIssue[]): void {
    this.clearErrors();
    this.headline = headline;
    const byColumn = new Map<string, string[]>();
    for (const error of errors) {
      const column = error.attribute;
      const controls =
        column === undefined || error.code === "unknownColumn" ? [] : controlsOf(this.formContext.getAttribute(column));
      if (column === undefined || controls.length === 0) {
        this.unplaced.push(column === undefined ? error.message : `${column}: ${error.message}`);
        continue;
      }
      const label = labelOf(column, controls);
      byColumn.set(column, [...(byColumn.get(column) ?? []), readableScmMessage(error.message, label, userLocale())]);
      if (!this.placed.has(column)) this.placed.set(column, { label, controls });
    }
    for (const [column, messages] of byColumn) {
      const placed = this.placed.get(column);
      for (const control of placed?.controls ?? [])
        control.setNotification(messages.join(" "), notificationIds.column(column));
      this.watch(column);
    }
    this.showSummary();
  }

  /** The user changed `column`: its error is answered, until the next check says otherwise. */
  clearColumn(column: string): void {
    const placed = this.placed.get(column);
    if (placed === undefined) return;
    for (const control of placed.controls) control.clearNotification(notificationIds.column(column));
    this.placed.delete(column);
    this.showSummary();
  }

  /** Status of the check itself (checking, offline, SCM unreachable): one line, replaced each time. */
  showStatus(level: FormNotificationLevel, message: string): void {
    this.setFormNotification(message, level, notificationIds.status);
  }

  clearStatus(): void {
    this.formContext.ui.clearFormNotification(notificationIds.status);
  }

  /** Why the check could not sign in (the mobile app): kept beside whatever the save then reports. */
  showSignInNotice(message: string): void {
    this.setFormNotification(message, "WARNING", notificationIds.signIn);
  }

  showWarnings(warnings: readonly ValidationIssue[]): void {
    this.formContext.ui.clearFormNotification(notificationIds.warnings);
    if (warnings.length === 0) return;
    const lines = warnings.map((w) => (w.attribute === undefined ? w.message : `${w.attribute}: ${w.message}`));
    this.setFormNotification(userMessages().warns(lines), "WARNING", notificationIds.warnings);
  }

  /** Removes every notification this library put on the form. */
  clearAll(): void {
    this.clearErrors();
    this.clearStatus();
    this.formContext.ui.clearFormNotification(notificationIds.warnings);
    this.formContext.ui.clearFormNotification(notificationIds.signIn);
  }

  /** Columns that currently carry an SCM error on their controls. */
  columnsWithErrors(): string[] {
    return [...this.placed.keys()];
  }

  private clearErrors(): void {
    for (const [column, placed] of this.placed) {
      for (const control of placed.controls) control.clearNotification(notificationIds.column(column));
    }
    this.placed.clear();
    this.unplaced = [];
    this.headline = "";
    this.formContext.ui.clearFormNotification(notificationIds.summary);
  }

  private showSummary(): void {
    this.formContext.ui.clearFormNotification(notificationIds.summary);
    if (this.placed.size === 0 && this.unplaced.length === 0) return;
    const parts = [this.headline];
    if (this.placed.size > 0) {
      const labels = [...this.placed.values()].map((p) => p.label);
      parts.push(userMessages().checkFields(labels));
    }
    parts.push(...this.unplaced);
    this.setFormNotification(parts.filter((p) => p !== "").join(" "), "ERROR", notificationIds.summary);
  }

  private watch(column: string): void {
    if (this.watched.has(column)) return;
    this.watched.add(column);
    this.formContext.getAttribute(column)?.addOnChange(() => {
      this.clearColumn(column);
    });
  }

  /** Clear first: a form notification with an id already shown is not replaced on every client. */
  private setFormNotification(message: string, level: FormNotificationLevel, id: string): void {
    this.formContext.ui.clearFormNotification(id);
    this.formContext.ui.setFormNotification(message, level, id);
  }
}
