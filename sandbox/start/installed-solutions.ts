/**
 * The solutions the sandbox's Dataverse lists as installed (`solutions`): Field Service, the
 * dual-write solutions that add the columns the toolkit's tables carry (solution/components/dependencies.ts
 * says which), and the toolkit's own solution, which the form host runs. Microsoft's dual-write
 * *map* solutions are not installed: the sandbox's toolkit syncs every table itself.
 */
import { tableByLogicalName } from "@fsi/core";
import { builtInMaps } from "@fsi/core/maps/built-in";
import { FIELD_SERVICE_SOLUTION, solutionOfColumn, solutionOfTable } from "@fsi/solution/components/dependencies";
import { solutionDisplayName, solutionUniqueName } from "@fsi/solution/identity";
import type { InstalledSolution } from "../dataverse";

export function sandboxInstalledSolutions(): InstalledSolution[] {
  const names = new Set<string>([FIELD_SERVICE_SOLUTION, solutionOfTable("cdm_company")]);
  for (const map of builtInMaps) {
    names.add(solutionOfTable(map.dataverseTable));
    for (const column of Object.keys(tableByLogicalName(map.dataverseTable)?.columns ?? {})) {
      names.add(solutionOfColumn(map.dataverseTable, column));
    }
  }
  names.delete("System");
  return [
    ...[...names].sort().map((uniquename) => ({ uniquename, friendlyname: uniquename, version: "9.2.0.0" })),
    { uniquename: solutionUniqueName, friendlyname: solutionDisplayName, version: "1.0.0.0" },
  ];
}
