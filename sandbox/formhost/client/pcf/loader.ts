/**
 * Loads code components the way the platform does: the platform libraries the manifest names
 * (React, ReactDOM, Fluent as globals) first, then the control's `bundle.js`, which registers its
 * class with `ComponentFramework.registerControl('<namespace>.<constructor>', Class)` — the
 * registration pcf-scripts appends to every bundle when the host offers it.
 */
import type { ControlDescription } from "../../shared/contract";

export interface ControlInstance {
  init(
    context: unknown,
    notifyOutputChanged: () => void,
    state: Record<string, unknown>,
    container?: HTMLDivElement,
  ): void;
  updateView(context: unknown): unknown;
  getOutputs?(): Record<string, unknown>;
  destroy(): void;
}

export type ControlConstructor = new () => ControlInstance;

const registered = new Map<string, ControlConstructor>();
const scripts = new Map<string, Promise<void>>();

function isControlConstructor(value: unknown): value is ControlConstructor {
  return (
    typeof value === "function" &&
    typeof (value as { prototype?: { updateView?: unknown } }).prototype?.updateView === "function"
  );
}

/** Installs `window.ComponentFramework.registerControl` (once per page, before any bundle loads). */
export function installRegistry(): void {
  const registry = {
    registerControl(name: string, control: unknown): void {
      if (!isControlConstructor(control))
        throw new TypeError(`registerControl('${name}') needs a control class with init/updateView/destroy.`);
      registered.set(name, control);
    },
  };
  Object.assign(window, { ComponentFramework: registry });
}

export function loadScript(url: string): Promise<void> {
  const known = scripts.get(url);
  if (known !== undefined) return known;
  const loading = new Promise<void>((resolve, reject) => {
    const script = document.createElement("script");
    script.src = url;
    script.async = false;
    script.addEventListener("load", () => {
      resolve();
    });
    script.addEventListener("error", () => {
      reject(new Error(`Could not load ${url}.`));
    });
    document.head.append(script);
  });
  scripts.set(url, loading);
  return loading;
}

/** The control's class, loading its platform libraries and bundle on first use. */
export async function loadControl(control: ControlDescription): Promise<ControlConstructor> {
  for (const library of control.platformLibraries) await loadScript(library.url);
  await loadScript(control.bundleUrl);
  const constructor = registered.get(control.registeredName);
  if (constructor === undefined) {
    throw new Error(
      `${control.bundleUrl} loaded but did not register ${control.registeredName} with ComponentFramework.registerControl.`,
    );
  }
  return constructor;
}

/** A global the platform libraries define (`Reactv16`, `ReactDOM`, `FluentUIReactv940`). */
export function platformGlobal(name: string): unknown {
  const value: unknown = Reflect.get(window, name);
  return value;
}
