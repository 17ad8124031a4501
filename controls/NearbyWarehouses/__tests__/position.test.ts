import { InMemoryWebApi } from "../../testing/inMemoryWebApi";
import { accountRow, guidFor, workOrderRow } from "../../testing/warehouseRows";
import { deviceWithDeadline, locate, usablePoint, type PositionInputs } from "../services/position";

const workOrderId = guidFor(0x40, 1);
const accountId = guidFor(0xac, 1);
const gps = { latitude: 41.8781, longitude: -87.6298 };
const recordPoint = { latitude: 41.9, longitude: -87.7 };

const nothing: PositionInputs = { useDevice: true, record: null, workOrderId: null, serviceAccountId: null };

function webApi(
  order: { lat: number | null; lon: number | null; account: string | null },
  account: { lat: number | null; lon: number | null },
) {
  return new InMemoryWebApi({
    msdyn_workorder: [workOrderRow(workOrderId, order.lat, order.lon, order.account)],
    account: [accountRow(accountId, account.lat, account.lon)],
  });
}

describe("the position fallback chain", () => {
  const refused = () => Promise.reject(new Error("no GPS on the web client"));

  it("uses the device first when it answers", async () => {
    const api = webApi({ lat: 1, lon: 1, account: accountId }, { lat: 2, lon: 2 });
    const result = await locate({ ...nothing, record: recordPoint, workOrderId }, api, () => Promise.resolve(gps));
    expect(result).toEqual({ kind: "found", position: gps, source: "device" });
    expect(api.requests).toHaveLength(0);
  });

  it("falls back to the record's coordinates when the device refuses", async () => {
    const result = await locate(
      { ...nothing, record: recordPoint, workOrderId },
      webApi({ lat: 1, lon: 1, account: null }, { lat: 2, lon: 2 }),
      refused,
    );
    expect(result).toEqual({ kind: "found", position: recordPoint, source: "record" });
  });

  it("then to the work order's coordinates", async () => {
    const result = await locate(
      { ...nothing, workOrderId },
      webApi({ lat: 45.5, lon: -73.6, account: accountId }, { lat: 2, lon: 2 }),
      refused,
    );
    expect(result).toEqual({ kind: "found", position: { latitude: 45.5, longitude: -73.6 }, source: "workOrder" });
  });

  it("then to the service account the work order names", async () => {
    const api = webApi({ lat: null, lon: null, account: accountId }, { lat: 48.85, lon: 2.35 });
    const result = await locate({ ...nothing, workOrderId }, api, refused);
    expect(result).toEqual({ kind: "found", position: { latitude: 48.85, longitude: 2.35 }, source: "serviceAccount" });
    expect(api.requests.map((r) => r.table)).toEqual(["msdyn_workorder", "account"]);
  });

  it("reports every source it tried when none knows the position", async () => {
    const result = await locate(
      { ...nothing, workOrderId },
      webApi({ lat: null, lon: null, account: accountId }, { lat: 0, lon: 0 }),
      refused,
    );
    expect(result).toEqual({ kind: "unknown", tried: ["device", "record", "workOrder", "serviceAccount"] });
  });

  it("goes on to the next source when a row cannot be read", async () => {
    const api = webApi({ lat: 1, lon: 1, account: null }, { lat: 48.85, lon: 2.35 });
    api.failRequestsFor("msdyn_workorder", new Error("not in the offline profile"));
    const result = await locate({ ...nothing, workOrderId, serviceAccountId: accountId }, api, refused);
    expect(result).toMatchObject({ kind: "found", source: "serviceAccount" });
  });

  it("skips the device when told to", async () => {
    const device = jest.fn(() => Promise.resolve(gps));
    const result = await locate({ ...nothing, useDevice: false, record: recordPoint }, new InMemoryWebApi(), device);
    expect(result).toMatchObject({ source: "record" });
    expect(device).not.toHaveBeenCalled();
  });
});

describe("usable points", () => {
  it.each([
    [null, 2, null],
    [91, 2, null],
    [0, 0, null],
    [Number.NaN, 1, null],
    [0, 12.5, { latitude: 0, longitude: 12.5 }],
  ])("(%p, %p) → %p", (latitude, longitude, expected) => {
    expect(usablePoint(latitude, longitude)).toEqual(expected);
  });
});

describe("the device deadline", () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  it("gives up on a device that never answers, so the fallback can run", async () => {
    jest.useFakeTimers();
    const device = deviceWithDeadline(() => new Promise(() => undefined), 8000);
    const answer = device();
    jest.advanceTimersByTime(8000);
    await expect(answer).rejects.toThrow("No position from the device within 8000 ms");
  });

  it("turns a missing device API into a rejection", async () => {
    const device = deviceWithDeadline(() => {
      throw new Error("getCurrentPosition is not supported");
    }, 8000);
    await expect(device()).rejects.toThrow("not supported");
  });
});
