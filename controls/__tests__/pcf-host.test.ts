/**
 * The one PCF host loop and context (controls/testing/pcf) against the PCF reference: a probe
 * control records what it is given, so each rule below fails if the host stops following it.
 */
import { InMemoryWebApi } from "../testing/inMemoryWebApi";
import type { PcfPlatform } from "../testing/pcf/context";
import { PcfHost, type PcfControl, type PcfPage } from "../testing/pcf/host";
import { numberProperty, stringProperty } from "../testing/pcf/properties";

type Inputs = Record<string, ComponentFramework.PropertyTypes.Property>;

class Probe implements PcfControl {
  readonly seen: { stage: string; updated: string[]; width: number; height: number }[] = [];
  notify: () => void = () => undefined;
  outputs: Record<string, unknown> = {};
  getOutputsCalls = 0;
  destroyed = false;

  init(context: ComponentFramework.Context<never>, notify: () => void): void {
    this.notify = notify;
    this.record("init", context);
    context.mode.trackContainerResize(true);
  }

  updateView(context: ComponentFramework.Context<never>): unknown {
    this.record("updateView", context);
    return "element";
  }

  getOutputs(): Record<string, unknown> {
    this.getOutputsCalls += 1;
    return this.outputs;
  }

  destroy(): void {
    this.destroyed = true;
  }

  private record(stage: string, context: ComponentFramework.Context<never>): void {
    this.seen.push({
      stage,
      updated: [...context.updatedProperties],
      width: context.mode.allocatedWidth,
      height: context.mode.allocatedHeight,
    });
  }
}

function open(probe: Probe) {
  let parameters: Inputs = { name: stringProperty("Loop"), radius: numberProperty(25) };
  let width = 800;
  let offline = false;
  const rendered: unknown[] = [];
  const webApi = new InMemoryWebApi();
  const platform = (): PcfPlatform<Inputs> => ({
    parameters,
    strings: { Title: "Nearby" },
    languageId: 1036,
    timeZone: "UTC",
    user: { id: "{00000000-0000-0000-0000-000000000001}", name: "Test User" },
    formFactor: 1,
    offline,
    disabled: false,
    visible: true,
    label: "",
    webAPI: {
      createRecord: (table, data) => webApi.createRecord(table, data),
      updateRecord: (table, id, data) => webApi.updateRecord(table, id, data),
      deleteRecord: (table, id) => webApi.deleteRecord(table, id),
      retrieveRecord: (table, id, options) => webApi.retrieveRecord(table, id, options),
      retrieveMultipleRecords: async (table, options) => ({
        entities: [...(await webApi.retrieveMultipleRecords(table, options)).entities],
        nextLink: "",
      }),
    },
  });
  const page: PcfPage<Inputs> = {
    platform,
    measure: () => ({ width }),
    render: (element) => rendered.push(element),
    unmount: () => rendered.push("unmounted"),
    writeOutputs: (outputs) => {
      parameters = { ...parameters, name: { ...parameters.name!, raw: outputs.name } };
    },
  };
  const host = new PcfHost(probe, page, {} as HTMLDivElement);
  return {
    host,
    rendered,
    setWidth: (value: number) => (width = value),
    setOffline: (value: boolean) => (offline = value),
    setParameters: (value: Inputs) => (parameters = value),
  };
}

const settled = () => new Promise((resolve) => setTimeout(resolve, 0));

describe("the PCF host loop", () => {
  it("gives -1 in init, the width once tracked, and never a height (model-driven apps)", () => {
    const probe = new Probe();
    const { host, rendered } = open(probe);
    host.start();
    expect(probe.seen).toEqual([
      { stage: "init", updated: [], width: -1, height: -1 },
      { stage: "updateView", updated: [], width: 800, height: -1 },
    ]);
    expect(rendered).toEqual(["element"]);
    expect(host.calls.trackContainerResize).toEqual([true]);
  });

  it("names the changed properties and 'layout', and calls nothing when nothing changed", () => {
    const probe = new Probe();
    const { host, setWidth, setParameters } = open(probe);
    host.start();
    host.refresh();
    expect(probe.seen).toHaveLength(2);
    setParameters({ name: stringProperty("Loop"), radius: numberProperty(50) });
    setWidth(360);
    host.refresh();
    expect(probe.seen.at(-1)).toEqual({ stage: "updateView", updated: ["radius", "layout"], width: 360, height: -1 });
  });

  it("calls updateView for a change that is neither a property nor the layout, naming none", () => {
    const probe = new Probe();
    const { host, setOffline } = open(probe);
    host.start();
    setOffline(true);
    host.refresh();
    expect(probe.seen.at(-1)?.updated).toEqual([]);
    expect(probe.seen).toHaveLength(3);
  });

  it("reads getOutputs once per batch of notifyOutputChanged, writes them, then updateView names the column", async () => {
    const probe = new Probe();
    const { host } = open(probe);
    host.start();
    probe.outputs = { name: "Union" };
    probe.notify();
    probe.notify();
    expect(probe.getOutputsCalls).toBe(0);
    await settled();
    expect(probe.getOutputsCalls).toBe(1);
    expect(host.calls.outputs).toEqual([{ name: "Union" }]);
    expect(probe.seen.at(-1)?.updated).toEqual(["name"]);
  });

  it("destroys once, unmounts, and lets nothing reach the control afterwards", async () => {
    const probe = new Probe();
    const { host, rendered, setWidth } = open(probe);
    host.start();
    probe.notify();
    host.destroy();
    host.destroy();
    setWidth(100);
    host.refresh();
    await settled();
    expect(probe.destroyed).toBe(true);
    expect(probe.getOutputsCalls).toBe(0);
    expect(probe.seen).toHaveLength(2);
    expect(rendered).toEqual(["element", "unmounted"]);
  });
});

describe("the PCF context", () => {
  it("formats for the user's language and zone, reads resx strings, and refuses what the page does not offer", async () => {
    const probe = new Probe();
    let context: ComponentFramework.Context<never> | undefined;
    probe.updateView = (given) => {
      context = given;
      return undefined;
    };
    open(probe).host.start();
    // French groups with a narrow no-break space.
    expect(context?.formatting.formatDecimal(1234.5, 1).replace(/\s/g, " ")).toBe("1 234,5");
    expect(context?.formatting.formatDateShort(new Date(Date.UTC(2025, 0, 2, 15, 4)), true)).toBe("02/01/2025 15:04");
    expect(context?.userSettings.getTimeZoneOffsetMinutes(new Date())).toBe(0);
    expect(context?.resources.getString("Title")).toBe("Nearby");
    expect(context?.resources.getString("Missing")).toBe("Missing");
    expect(context?.client.getClient()).toBe("Web");
    await expect(context?.device.captureImage()).rejects.toThrow("mobile app only");
    await expect(context?.device.getCurrentPosition()).rejects.toThrow("mobile app only");
    await expect(context?.navigation.openForm({ entityName: "account" })).rejects.toThrow(
      "navigation.openForm is not available in this host.",
    );
    expect(() => context?.factory.getPopupService()).toThrow("factory.getPopupService");
  });
});
