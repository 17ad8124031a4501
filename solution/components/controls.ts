/**
 * The PCF code components the solution ships. Each is built by `npm run build:controls` into
 * `out/controls/<name>/` and packed into `Controls/fsi_FieldServiceScm.<name>/`: the folder and
 * the component's solution name are `<publisher prefix>_<namespace>.<constructor>`, as a solution
 * exported from Dataverse and unpacked with SolutionPackager names them (Microsoft Learn, "Code
 * components application lifecycle management", unpacked layout `Controls/prefix_namespace.ControlName`).
 */
import { controlNamespace, publisher } from "../identity";

export const controlNames = [
  "CustomerAssetPicker",
  "NearbyWarehouses",
  "ScmIntegrationPanel",
  "WarehouseOnHand",
] as const;
export type ControlName = (typeof controlNames)[number];

/** `fsi_FieldServiceScm.NearbyWarehouses`: the component's name in the solution and on forms. */
export function controlSolutionName(control: ControlName): string {
  return `${publisher.prefix}_${controlNamespace}.${control}`;
}

/** `Controls/fsi_FieldServiceScm.NearbyWarehouses`, in the unpacked source and in the zip. */
export function controlFolder(control: ControlName): string {
  return `Controls/${controlSolutionName(control)}`;
}
