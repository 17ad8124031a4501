/** Which mapped columns an update touches: what a sync step filters on and what it must send. */
import { sameValue, type DataverseRecord } from "../dataverse/record";
import { goesToScm, type EntityMap } from "./template-schema";

/**
 * The Dataverse columns whose change must reach SCM: the natural keys and every pair that goes to
 * SCM. Registered as the filtering attributes of the Update step, so Dataverse does not call the
 * webhook for changes SCM never sees. The company is left out: it is create-only.
 */
export function filteringAttributes(map: EntityMap): string[] {
  const columns = [
    ...map.keys.map((key) => key.dataverse),
    ...map.columns.filter((pair) => goesToScm(pair.direction)).map((pair) => pair.dataverse),
  ];
  return [...new Set(columns)].sort();
}

/**
 * The filtering attributes present in `target` (the Update message's Target: the columns the caller
 * set) whose value differs from `preImage` (the row before the update). Without a pre-image every
 * present column counts as changed. Lookups compare by table and id, ignoring the display name.
 */
export function changedMappedColumns(
  map: EntityMap,
  target: Readonly<DataverseRecord>,
  preImage?: Readonly<DataverseRecord>,
): string[] {
  return filteringAttributes(map).filter((column) => {
    if (!(column in target)) return false;
    // Images leave out null columns (Dataverse sends only attributes with a value), so absent is null.
    return preImage === undefined || !sameValue(target[column] ?? null, preImage[column] ?? null);
  });
}
