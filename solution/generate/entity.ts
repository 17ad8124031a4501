/**
 * `Entities/<table>/Entity.xml`: the table as SolutionPackager unpacks it. The tables are
 * Microsoft's, so the entity is marked `unmodified` (its own metadata is not ours to ship) and
 * lists only the columns we add.
 */
import type { TableDefinition } from "../../core";
import { ourColumns } from "../components/tables";
import { el, xsiNamespace, type XmlElement } from "../xml";
import { attributeXml } from "./attributes";

export function entityXml(table: TableDefinition): XmlElement {
  return el("Entity", { "xmlns:xsi": xsiNamespace }, [
    el("Name", { LocalizedName: table.displayName, OriginalName: table.displayName }, table.logicalName),
    el("EntityInfo", {}, [
      el("entity", { Name: table.logicalName, unmodified: 1 }, [
        el(
          "attributes",
          {},
          ourColumns(table).map(([name, column]) => attributeXml(table.logicalName, name, column)),
        ),
      ]),
    ]),
  ]);
}
