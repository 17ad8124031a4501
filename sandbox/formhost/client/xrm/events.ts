/// <reference types="xrm" />
/**
 * Execution contexts and event arguments the form passes to its handlers
 * (learn.microsoft.com, "Execution context", "Save event arguments", "Form OnSave event").
 *
 * Save arguments follow the platform's two modes: with the app setting "Async save handler" on,
 * the arguments have `disableAsyncTimeout` (which is how scripts tell the modes apart) and a
 * handler's promise is awaited; off, a returned promise is ignored. `preventDefault` counts only
 * while the handlers run synchronously; called later (after an await) the platform has already
 * decided, and so do we.
 */

import type { HostGlobalContext } from "./global";

export type SharedVariables = Map<string, unknown>;

export class HostEventContext<TFormContext, TSource, TArgs = undefined> {
  constructor(
    private readonly formContext: TFormContext,
    private readonly globalContext: HostGlobalContext,
    private readonly source: TSource,
    private readonly args: TArgs,
    private readonly shared: SharedVariables,
    private readonly depth: number,
  ) {}

  getContext(): HostGlobalContext {
    return this.globalContext;
  }

  getDepth(): number {
    return this.depth;
  }

  getEventSource(): TSource {
    return this.source;
  }

  getFormContext(): TFormContext {
    return this.formContext;
  }

  getEventArgs(): TArgs {
    return this.args;
  }

  getSharedVariable(key: string): unknown {
    return this.shared.get(key);
  }

  setSharedVariable(key: string, value: unknown): void {
    this.shared.set(key, value);
  }
}

/** Which handler is running, so per-handler calls (timeout, cancel on error) land on it. */
export class HandlerCursor {
  current = -1;
  synchronous = false;
}

export class SaveEventArguments {
  private prevented = false;
  readonly cancelOnError = new Set<number>();

  constructor(
    private readonly saveMode: number,
    protected readonly cursor: HandlerCursor,
    private readonly onLatePrevent: () => void,
  ) {}

  getSaveMode(): XrmEnum.SaveMode {
    return this.saveMode as XrmEnum.SaveMode;
  }

  isDefaultPrevented(): boolean {
    return this.prevented;
  }

  /** Cancels the save; the remaining handlers still run. */
  preventDefault(): void {
    if (!this.cursor.synchronous) {
      this.onLatePrevent();
      return;
    }
    this.prevented = true;
  }

  /** Cancels the save if this handler throws, rejects or times out. */
  preventDefaultOnError(): void {
    this.cancelOnError.add(this.cursor.current);
  }
}

export class AsyncSaveEventArguments extends SaveEventArguments {
  readonly noTimeout = new Set<number>();

  /** This handler's promise is awaited without the 10-second limit. */
  disableAsyncTimeout(): void {
    this.noTimeout.add(this.cursor.current);
  }
}

export class PostSaveEventArguments {
  constructor(
    private readonly reference: Xrm.LookupValue,
    private readonly success: boolean,
    private readonly errorInfo: { readonly errorCode: number; readonly message: string } | undefined,
  ) {}

  getEntityReference(): Xrm.LookupValue {
    return this.reference;
  }

  getIsSaveSuccess(): boolean {
    return this.success;
  }

  getSaveErrorInfo(): { readonly errorCode: number; readonly message: string } | undefined {
    return this.errorInfo;
  }
}

/** `getDataLoadState()`: 1 initial load, 2 after a save, 3 after a refresh. */
export class LoadEventArguments {
  constructor(private readonly state: 1 | 2 | 3) {}

  getDataLoadState(): XrmEnum.FormDataLoadState {
    return this.state as XrmEnum.FormDataLoadState;
  }
}

/** A handler registered by a script: it receives the execution context (scripts are plain JavaScript). */
export type ContextHandler = (executionContext: HostEventContext<unknown, unknown, unknown>) => unknown;
