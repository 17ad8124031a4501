/**
 * The sandbox user's settings for this browser tab: the app setting "Async save handler", the
 * offline switch (the mobile app's offline mode) and the user's language. Kept in sessionStorage so
 * they survive the page loads between forms, as an app session would; the form host's own state,
 * never the controls'.
 */
export interface SessionSettings {
  /** The model-driven app setting "Async save handler" (on by default in new apps). */
  readonly asyncSaveHandlers: boolean;
  readonly offline: boolean;
  /** LCID of the user interface language. */
  readonly languageId: number;
}

const storageKey = "fsi-formhost-session";
const defaults: SessionSettings = { asyncSaveHandlers: true, offline: false, languageId: 1033 };
type Listener = (settings: SessionSettings) => void;
const listeners = new Set<Listener>();

function parse(text: string | null): Partial<SessionSettings> {
  if (text === null) return {};
  try {
    const value = JSON.parse(text) as unknown;
    if (typeof value !== "object" || value === null) return {};
    const { asyncSaveHandlers, offline, languageId } = value as Record<string, unknown>;
    return {
      ...(typeof asyncSaveHandlers === "boolean" ? { asyncSaveHandlers } : {}),
      ...(typeof offline === "boolean" ? { offline } : {}),
      ...(typeof languageId === "number" ? { languageId } : {}),
    };
  } catch {
    return {};
  }
}

export function sessionSettings(): SessionSettings {
  return { ...defaults, ...parse(sessionStorage.getItem(storageKey)) };
}

export function updateSession(changes: Partial<SessionSettings>): SessionSettings {
  const next = { ...sessionSettings(), ...changes };
  sessionStorage.setItem(storageKey, JSON.stringify(next));
  for (const listener of listeners) listener(next);
  return next;
}

export function onSessionChange(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The user's locale by LCID: the PCF context's mapping, so forms and controls format alike. */
export { localeOf } from "@fsi/controls/testing/pcf/context";

/**
 * The form factor the viewport suggests (PCF `getFormFactor`: 1 desktop, 2 tablet, 3 phone), which
 * also picks the FormXml `customControl` (formFactor 0 web, 1 tablet, 2 phone).
 */
export function viewportFormFactor(width = window.innerWidth): 1 | 2 | 3 {
  if (width <= 640) return 3;
  if (width <= 1024) return 2;
  return 1;
}
