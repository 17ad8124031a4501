/**
 * Where "near" is measured from, tried in order until one answers: the device's GPS (mobile app
 * only: `context.device.getCurrentPosition`, declared optional in the manifest), the record's own
 * coordinates, the work order's, then its service account's address. The source used is shown.
 */
import { isValidPoint, type GeoPoint } from "@fsi/core/geo";
import type { RowOf } from "@fsi/core/dataverse/schema";
import type { account, workOrder } from "@fsi/core/dataverse/tables";
import { queryString } from "../../shared/services/odata";
import {
  lookupValueColumn,
  numberColumn,
  stringColumn,
  type WebApiEntity,
  type WebApiReader,
} from "../../shared/services/webApi";

export type PositionSource = "device" | "record" | "workOrder" | "serviceAccount";

export interface PositionInputs {
  /** Ask the device first (the mobile client offers GPS; elsewhere the call fails). */
  readonly useDevice: boolean;
  /** The bound record's own latitude/longitude, when it has them. */
  readonly record: GeoPoint | null;
  readonly workOrderId: string | null;
  readonly serviceAccountId: string | null;
}

export type PositionResult =
  | { readonly kind: "found"; readonly position: GeoPoint; readonly source: PositionSource }
  | { readonly kind: "unknown"; readonly tried: readonly PositionSource[] };

/** The device's position, or a rejection when the client has no GPS or the user refused it. */
export type DevicePosition = () => Promise<GeoPoint>;

type WorkOrderColumn = keyof RowOf<typeof workOrder>;
type AccountColumn = keyof RowOf<typeof account>;

const workOrderColumns = {
  latitude: "msdyn_latitude",
  longitude: "msdyn_longitude",
  serviceAccount: "msdyn_serviceaccount",
} as const satisfies Record<string, WorkOrderColumn>;

const accountColumns = {
  latitude: "address1_latitude",
  longitude: "address1_longitude",
} as const satisfies Record<string, AccountColumn>;

/**
 * A usable point, or null. Field Service leaves unknown coordinates empty, but imported data often
 * carries (0, 0) for "not geocoded"; no warehouse or customer sits in the Gulf of Guinea at exactly
 * 0°, 0°, so that pair counts as unknown too.
 */
export function usablePoint(
  latitude: number | null | undefined,
  longitude: number | null | undefined,
): GeoPoint | null {
  if (typeof latitude !== "number" || typeof longitude !== "number") {
    return null;
  }
  const point = { latitude, longitude };
  if (!isValidPoint(point) || (latitude === 0 && longitude === 0)) {
    return null;
  }
  return point;
}

function pointOf(row: WebApiEntity, latitudeColumn: string, longitudeColumn: string): GeoPoint | null {
  return usablePoint(numberColumn(row, latitudeColumn), numberColumn(row, longitudeColumn));
}

/** Walks the fallback chain; each step that has nothing to offer is recorded in `tried`. */
export async function locate(
  inputs: PositionInputs,
  webApi: WebApiReader,
  device: DevicePosition | null,
): Promise<PositionResult> {
  const tried: PositionSource[] = [];
  if (inputs.useDevice && device) {
    tried.push("device");
    const fromDevice = await device().then(
      (point) => (isValidPoint(point) ? point : null),
      () => null,
    );
    if (fromDevice) {
      return { kind: "found", position: fromDevice, source: "device" };
    }
  }
  tried.push("record");
  if (inputs.record) {
    return { kind: "found", position: inputs.record, source: "record" };
  }
  let serviceAccountId = inputs.serviceAccountId;
  if (inputs.workOrderId) {
    tried.push("workOrder");
    const order = await retrieveOrNull(webApi, "msdyn_workorder", inputs.workOrderId, [
      workOrderColumns.latitude,
      workOrderColumns.longitude,
      lookupValueColumn(workOrderColumns.serviceAccount),
    ]);
    const fromOrder = order && pointOf(order, workOrderColumns.latitude, workOrderColumns.longitude);
    if (fromOrder) {
      return { kind: "found", position: fromOrder, source: "workOrder" };
    }
    serviceAccountId ??= order && stringColumn(order, lookupValueColumn(workOrderColumns.serviceAccount));
  }
  if (serviceAccountId) {
    tried.push("serviceAccount");
    const customer = await retrieveOrNull(webApi, "account", serviceAccountId, [
      accountColumns.latitude,
      accountColumns.longitude,
    ]);
    const fromAccount = customer && pointOf(customer, accountColumns.latitude, accountColumns.longitude);
    if (fromAccount) {
      return { kind: "found", position: fromAccount, source: "serviceAccount" };
    }
  }
  return { kind: "unknown", tried };
}

/**
 * A row, or null when it cannot be read (deleted, no privilege, or not in the mobile offline
 * profile): a step of the chain that cannot answer hands over to the next one.
 */
async function retrieveOrNull(
  webApi: WebApiReader,
  table: string,
  id: string,
  select: readonly string[],
): Promise<WebApiEntity | null> {
  try {
    return await webApi.retrieveRecord(table, id, queryString({ select }));
  } catch {
    return null;
  }
}

/**
 * Wraps the platform's `getCurrentPosition` with a deadline: on some clients the call never settles
 * when location is switched off, and the user should not wait for ever before the fallback.
 */
export function deviceWithDeadline(
  getCurrentPosition: () => Promise<{ coords: { latitude: number; longitude: number } }>,
  deadlineMs: number,
): DevicePosition {
  return async () => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => {
        reject(new Error(`No position from the device within ${deadlineMs} ms`));
      }, deadlineMs);
    });
    try {
      // Promise.resolve().then also turns a synchronous throw (no device API here) into a rejection.
      const { coords } = await Promise.race([Promise.resolve().then(getCurrentPosition), deadline]);
      return { latitude: coords.latitude, longitude: coords.longitude };
    } finally {
      clearTimeout(timer);
    }
  };
}
