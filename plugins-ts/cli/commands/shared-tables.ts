/**
 * Two writers on one table: where Microsoft's dual-write maps for a table are installed (their map
 * solution, UO `.../dual-write/separated-solutions.md`) and the toolkit's map for it also runs
 * (`fsi` mode), both would write the same rows (Microsoft's warehouse map writes WAREHOUSEID to
 * `msdyn_name`, ours the name); where a map is set to `dual-write` but Microsoft's maps are not
 * installed, no one syncs it.
 */
import { solution } from "@fsi/core/dataverse/tables";
import { type MapMode, dualWriteMapSolutions, mapModeOf } from "@fsi/core/maps/map-modes";
import type { EntityMap } from "@fsi/core/maps/template-schema";
import type { IntegrationConnection } from "../../host/config-from-env";
import { DataverseClient } from "../../services/dataverse-client";

export interface MapWriters {
  readonly map: string;
  readonly mode: MapMode;
  /** Microsoft's map solution for the table, when the environment has it. */
  readonly microsoftMaps: string | null;
}

export interface SharedTableCheck {
  readonly maps: readonly MapWriters[];
  readonly warnings: readonly string[];
  /** Why the installed solutions could not be read, when they could not. */
  readonly note: string | null;
}

export async function sharedTableCheck(
  connection: IntegrationConnection,
  maps: readonly EntityMap[],
): Promise<SharedTableCheck> {
  const modes = connection.integration.mapModes;
  let installed: Set<string> | undefined;
  let note: string | null = null;
  try {
    const names = [...new Set(Object.values(dualWriteMapSolutions))];
    const client = new DataverseClient(connection.dataverse);
    const found = await Promise.all(
      names.map(async (name) =>
        (await client.findByKey(solution, { uniquename: name }, ["uniquename"])) === undefined ? [] : [name],
      ),
    );
    installed = new Set(found.flat());
  } catch (error) {
    note = `the installed solutions could not be read from Dataverse (${error instanceof Error ? error.message : String(error)})`;
  }
  const writers = maps.map((map): MapWriters => {
    const candidate = dualWriteMapSolutions[map.dataverseTable];
    return {
      map: map.name,
      mode: mapModeOf(modes, map.name),
      microsoftMaps: candidate !== undefined && installed?.has(candidate) === true ? candidate : null,
    };
  });
  const warnings: string[] = [];
  for (const writer of writers) {
    if (writer.mode === "fsi" && writer.microsoftMaps !== null) {
      warnings.push(
        `${writer.map}: Microsoft's dual-write maps (${writer.microsoftMaps}) are installed and this toolkit syncs the table too: two writers would share it. Stop one, or set FSI_MAP_MODES=${writer.map}=dual-write.`,
      );
    }
    if (writer.mode === "dual-write" && installed !== undefined && writer.microsoftMaps === null) {
      warnings.push(
        `${writer.map}: set to dual-write, but Microsoft's dual-write maps for it are not installed: no one syncs this table.`,
      );
    }
  }
  return { maps: writers, warnings, note };
}
