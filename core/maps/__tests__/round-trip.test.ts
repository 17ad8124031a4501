import fc from "fast-check";
import { builtInMaps, lookupsToResolve, toDataverseRecord, toScmRow } from "../..";
import { recordArbitrary } from "./arbitraries";
import { Directory } from "./directory";

describe.each(builtInMaps.map((map) => [map.name, map] as const))("map %s", (_name, map) => {
  it("gives back every both-direction column, key and the company after FS → SCM → FS", () => {
    fc.assert(
      fc.property(recordArbitrary(map), ({ record, companyCode }) => {
        const directory = new Directory(record, map.company.dataverse, companyCode);
        const toScm = toScmRow(record, map, companyCode, directory.answerScm(lookupsToResolve(map, { record })));
        expect(toScm.issues).toEqual([]);
        expect(toScm.unresolved).toEqual([]);

        const back = toDataverseRecord(
          toScm.row,
          map,
          directory.answerDataverse(lookupsToResolve(map, { row: toScm.row })),
        );
        expect(back.issues).toEqual([]);
        expect(back.unresolved).toEqual([]);

        const carried = [
          map.company.dataverse,
          ...map.keys.map((k) => k.dataverse),
          ...map.columns.filter((p) => p.direction === "both").map((p) => p.dataverse),
        ];
        for (const column of carried) {
          if (column in record)
            expect({ column, value: back.record[column] }).toEqual({ column, value: record[column] });
          else expect(back.record).not.toHaveProperty(column);
        }
      }),
      { numRuns: 300 },
    );
  });
});
