/// <reference types="powerapps-component-framework" />
/**
 * The one PCF host loop, used by the controls' jest tests, the screenshot page and the sandbox's
 * form host: `init(context, notifyOutputChanged, state, container)` once, then `updateView(context)`
 * at once and whenever something the control sees changed, with `updatedProperties` naming the
 * changed properties and `layout` for a new allocated size (PA
 * `component-framework/reference/control/{init,updateview,getoutputs,destroy}.md`,
 * `.../reference/updatedproperties.md`); after `notifyOutputChanged`, `getOutputs()` once per batch
 * and its values handed to the page to write to the bound columns; `mode.allocatedWidth` is -1 in
 * `init` and until the control calls `trackContainerResize(true)`, then the container's width, and
 * `allocatedHeight` is always -1, as in model-driven apps (`.../reference/mode/trackcontainerresize.md`);
 * `destroy()` once, after which nothing reaches the control.
 *
 * Browser code: no Node API here.
 */
import { createContext, type PcfPlatform } from "./context";

/** A code component's class as the platform sees it (standard or virtual). */
export interface PcfControl {
  init(
    context: ComponentFramework.Context<never>,
    notifyOutputChanged: () => void,
    state: ComponentFramework.Dictionary,
    container: HTMLDivElement,
  ): void;
  updateView(context: ComponentFramework.Context<never>): unknown;
  getOutputs?(): object;
  destroy(): void;
}

/** The page the control lives on: a form cell in the sandbox, a test's fixture in jest. */
export interface PcfPage<TInputs> {
  /** What the control sees now. */
  platform(): PcfPlatform<TInputs>;
  /** The container's width in pixels, read when the control tracks resizes. */
  measure(): { readonly width: number };
  /** Calls `onResize` when the container's size may have changed; returns how to stop. */
  observeResize?(onResize: () => void): () => void;
  /** After each updateView: shows what a virtual control returned (a standard control returns undefined). */
  render(element: unknown): void;
  /** Takes a virtual control's element away, after `destroy`. */
  unmount(): void;
  /** The platform writes `getOutputs()`'s values to the bound columns. */
  writeOutputs(outputs: Record<string, unknown>): void;
}

/**
 * updateView calls for changes that are neither a property nor the layout (offline, language,
 * disabled, the record id): the reference lists no `updatedProperties` value for them, so the host
 * calls updateView with none. **Unconfirmed** which value (if any) a model-driven app puts there.
 */
export const unnamedChange: readonly string[] = [];

export interface HostCalls {
  /** updatedProperties of every updateView, in order (the first is the one after init). */
  readonly updateView: string[][];
  readonly outputs: Record<string, unknown>[];
  readonly trackContainerResize: boolean[];
  readonly requestRender: number[];
}

/** JSON with dates as their time: what a parameter's value, error, security and metadata say. */
function fingerprint(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) => (item instanceof Date ? item.getTime() : item));
}

function parameterFingerprints(parameters: unknown): Map<string, string> {
  const prints = new Map<string, string>();
  if (typeof parameters !== "object" || parameters === null) return prints;
  for (const [name, property] of Object.entries(parameters as Record<string, unknown>)) {
    const { raw, error, errorMessage, security, attributes } = (property ?? {}) as {
      raw?: unknown;
      error?: unknown;
      errorMessage?: unknown;
      security?: unknown;
      attributes?: unknown;
    };
    prints.set(name, fingerprint([raw, error, errorMessage, security, attributes]));
  }
  return prints;
}

function modeFingerprint(platform: PcfPlatform<unknown>): string {
  return fingerprint([
    platform.disabled,
    platform.visible,
    platform.label,
    platform.offline,
    platform.languageId,
    platform.formFactor,
    platform.record?.entityId,
  ]);
}

export class PcfHost<TInputs> {
  readonly calls: HostCalls = { updateView: [], outputs: [], trackContainerResize: [], requestRender: [] };
  private tracking = false;
  private width = -1;
  private parameters = new Map<string, string>();
  private mode = "";
  private outputsScheduled = false;
  private renderScheduled = false;
  private destroyed = false;
  private stopObserving: (() => void) | undefined;

  constructor(
    private readonly control: PcfControl,
    private readonly page: PcfPage<TInputs>,
    private readonly container: HTMLDivElement,
  ) {}

  /** init, then the first updateView. */
  start(): void {
    const platform = this.page.platform();
    this.remember(platform);
    this.control.init(
      this.context(platform, []),
      () => {
        this.notifyOutputChanged();
      },
      {},
      this.container,
    );
    this.updateView(this.page.platform(), []);
  }

  /** Calls updateView when anything the control sees changed; the page calls it after each change. */
  refresh(): void {
    if (this.destroyed) return;
    const platform = this.page.platform();
    const before = { parameters: this.parameters, mode: this.mode, width: this.width };
    if (this.tracking) this.width = this.measured();
    this.remember(platform);
    const changed = [...this.parameters]
      .filter(([name, print]) => before.parameters.get(name) !== print)
      .map(([name]) => name);
    if (before.width !== this.width) changed.push("layout");
    if (changed.length === 0 && before.mode === this.mode) return;
    this.updateView(platform, changed.length === 0 ? [...unnamedChange] : changed);
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.stopObserving?.();
    try {
      this.control.destroy();
    } finally {
      this.page.unmount();
    }
  }

  private remember(platform: PcfPlatform<TInputs>): void {
    this.parameters = parameterFingerprints(platform.parameters);
    this.mode = modeFingerprint(platform as PcfPlatform<unknown>);
  }

  private measured(): number {
    return Math.round(this.page.measure().width);
  }

  private context(platform: PcfPlatform<TInputs>, updatedProperties: string[]): ComponentFramework.Context<never> {
    const context = createContext(platform, {
      updatedProperties,
      allocatedWidth: this.tracking ? this.width : -1,
      // Model-driven apps never give a height, tracked or not.
      allocatedHeight: -1,
      trackContainerResize: (track) => {
        this.track(track);
      },
      requestRender: () => {
        this.requestRender();
      },
    });
    // The control's class is typed by its own IInputs; the host only passes the context through.
    return context as unknown as ComponentFramework.Context<never>;
  }

  private updateView(platform: PcfPlatform<TInputs>, updatedProperties: string[]): void {
    if (this.destroyed) return;
    this.calls.updateView.push(updatedProperties);
    this.page.render(this.control.updateView(this.context(platform, updatedProperties)));
  }

  private track(track: boolean): void {
    this.calls.trackContainerResize.push(track);
    if (track === this.tracking) return;
    this.tracking = track;
    this.stopObserving?.();
    this.stopObserving = undefined;
    if (track) {
      this.width = this.measured();
      this.stopObserving = this.page.observeResize?.(() => {
        this.refresh();
      });
    } else {
      this.width = -1;
    }
  }

  /** `factory.requestRender`: one more updateView once the current task is done. */
  private requestRender(): void {
    this.calls.requestRender.push(this.calls.updateView.length);
    if (this.renderScheduled || this.destroyed) return;
    this.renderScheduled = true;
    queueMicrotask(() => {
      this.renderScheduled = false;
      this.updateView(this.page.platform(), []);
    });
  }

  /** The control has new outputs: read them once the current task is done, as the platform batches. */
  private notifyOutputChanged(): void {
    if (this.outputsScheduled || this.destroyed) return;
    this.outputsScheduled = true;
    queueMicrotask(() => {
      this.outputsScheduled = false;
      if (this.destroyed || this.control.getOutputs === undefined) return;
      const outputs = { ...this.control.getOutputs() } as Record<string, unknown>;
      this.calls.outputs.push(outputs);
      this.page.writeOutputs(outputs);
      this.refresh();
    });
  }
}
