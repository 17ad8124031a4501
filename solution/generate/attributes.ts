/**
 * Column (attribute) XML from core's column definitions, in the shape a Dataverse export writes
 * (`Entities/<table>/Entity.xml`, `EntityInfo/entity/attributes/attribute`). Only elements the
 * CustomizationsSolution.xsd knows are written; the newer optional ones (IsSearchable, ...) are
 * left out, which the platform accepts (solution/schemas/dataverse/README.md).
 */
import type { ColumnDefinition } from "@fsi/core";
import { introducedVersion } from "../identity";
import { el, textEl, type XmlElement } from "../xml";
import { localizedLabels } from "./labels";

function labels(elementName: string, childName: string, description: string): XmlElement {
  return el(elementName, {}, localizedLabels(childName, description));
}

/** `RequiredLevel`: ApplicationRequired is written `required`. */
function requiredLevel(column: ColumnDefinition): string {
  return column.required === true ? "required" : "none";
}

/**
 * What a column is to its table. The primary name is marked in `DisplayMask` (that is how an
 * export names a table's primary name column); the primary key is `Type` primarykey.
 */
export type ColumnRole = "primaryId" | "primaryName" | "other";

const displayMasks: Record<ColumnRole, string> = {
  primaryId: "ValidForAdvancedFind|RequiredForGrid",
  primaryName: "PrimaryName|ValidForAdvancedFind|ValidForForm|ValidForGrid|RequiredForForm",
  other: "ValidForAdvancedFind|ValidForForm|ValidForGrid",
};

/** Elements every custom column carries, whatever its type (after Type, Name and LogicalName). */
function commonElements(column: ColumnDefinition, role: ColumnRole): XmlElement[] {
  return [
    textEl("RequiredLevel", role === "primaryId" ? "systemrequired" : requiredLevel(column)),
    textEl("DisplayMask", displayMasks[role]),
    textEl("ValidForUpdateApi", column.readOnly === true || column.createOnly === true ? 0 : 1),
    textEl("ValidForReadApi", column.secret === true ? 0 : 1),
    textEl("ValidForCreateApi", column.readOnly === true ? 0 : 1),
    textEl("IsCustomField", 1),
    textEl("IsAuditEnabled", 1),
    textEl("IsSecured", 0),
    textEl("IntroducedVersion", introducedVersion),
    textEl("IsCustomizable", 1),
    textEl("IsRenameable", 1),
    textEl("CanModifySearchSettings", 1),
    textEl("CanModifyRequirementLevelSettings", 1),
    textEl("CanModifyAdditionalSettings", 1),
    textEl("SourceType", 0),
    textEl("IsGlobalFilterEnabled", 0),
    textEl("IsSortableEnabled", 0),
    textEl("CanModifyGlobalFilterSettings", 1),
    textEl("CanModifyIsSortableSettings", 1),
    textEl("IsDataSourceSecret", 0),
    textEl("AutoNumberFormat", ""),
  ];
}

/** `DateTimeBehavior`: 1 UserLocal, 2 DateOnly (Microsoft Learn, "Behavior and format of the date and time column"). */
const dateTimeBehavior = { UserLocal: 1, DateOnly: 2 } as const;

/** The type-specific elements; a type the generator cannot express stops generation. */
function typeElements(tableName: string, logicalName: string, column: ColumnDefinition): XmlElement[] {
  switch (column.type) {
    case "uniqueidentifier":
      return [textEl("Type", "primarykey")];
    case "lookup":
      // The target is the relationship's ReferencedEntityName (components/relationships.ts); an
      // export leaves LookupTypes empty for a lookup to one table.
      if (column.targets.length !== 1) {
        throw new Error(
          `${tableName}.${logicalName}: lookups to ${column.targets.length === 0 ? "no table" : column.targets.join(", ")} cannot be generated yet (only lookups to exactly one table)`,
        );
      }
      return [textEl("Type", "lookup"), textEl("ImeMode", "auto"), textEl("LookupStyle", "single"), el("LookupTypes")];
    case "string":
      return [
        textEl("Type", "nvarchar"),
        textEl("ImeMode", "auto"),
        textEl("Format", "text"),
        textEl("MaxLength", column.maxLength),
        // Length is the column's storage in bytes: two per character (nvarchar).
        textEl("Length", column.maxLength * 2),
      ];
    case "memo":
      return [
        textEl("Type", "ntext"),
        textEl("ImeMode", "auto"),
        textEl("Format", "TextArea"),
        textEl("MaxLength", column.maxLength),
      ];
    case "integer":
      return [
        textEl("Type", "int"),
        textEl("ImeMode", "auto"),
        textEl("Format", "none"),
        textEl("MinValue", column.min ?? -2147483648),
        textEl("MaxValue", column.max ?? 2147483647),
      ];
    case "decimal":
    case "double":
      return [
        textEl("Type", column.type === "decimal" ? "decimal" : "float"),
        textEl("ImeMode", "disabled"),
        textEl("MinValue", column.min ?? -100000000000),
        textEl("MaxValue", column.max ?? 100000000000),
        textEl("Accuracy", column.precision),
      ];
    case "datetime":
      return [
        textEl("Type", "datetime"),
        textEl("ImeMode", "inactive"),
        textEl("Format", column.behavior === "DateOnly" ? "date" : "datetime"),
        textEl("Behavior", dateTimeBehavior[column.behavior]),
        textEl("CanChangeDateTimeBehavior", 1),
      ];
    case "choice": {
      const first = column.options[0];
      return [
        textEl("Type", "picklist"),
        textEl("ImeMode", "auto"),
        ...(first === undefined ? [] : [textEl("AppDefaultValue", first.value)]),
        el("optionset", { Name: `${tableName}_${logicalName}` }, [
          textEl("OptionSetType", "picklist"),
          textEl("IntroducedVersion", introducedVersion),
          textEl("IsCustomizable", 1),
          labels("displaynames", "displayname", column.displayName),
          labels("Descriptions", "Description", ""),
          el(
            "options",
            {},
            column.options.map((option) =>
              el("option", { value: option.value }, [labels("labels", "label", option.label)]),
            ),
          ),
        ]),
      ];
    }
    default:
      throw new Error(
        `${tableName}.${logicalName}: columns of type ${column.type} cannot be generated yet (two-option sets and money need more than an attribute element)`,
      );
  }
}

/** The attribute element; `attribute` is an xs:all, so the order is for readers: as exports write it. */
export function attributeXml(
  tableName: string,
  logicalName: string,
  column: ColumnDefinition,
  role: ColumnRole = "other",
): XmlElement {
  const [type, ...typeSpecific] = typeElements(tableName, logicalName, column);
  return el("attribute", { PhysicalName: logicalName }, [
    type,
    textEl("Name", logicalName),
    textEl("LogicalName", logicalName),
    ...commonElements(column, role),
    ...typeSpecific,
    labels("displaynames", "displayname", column.displayName),
    labels("Descriptions", "Description", ""),
  ]);
}
