/**
 * `Entities/<table>/Entity.xml`: the table as SolutionPackager unpacks it. Microsoft's tables are
 * marked `unmodified` (their own metadata is not ours to ship) and list only the columns we add;
 * our own tables carry their metadata, every column but the platform's, and their alternate keys.
 */
import type { TableDefinition } from "@fsi/core";
import { isOwnTable, ourColumns } from "../components/tables";
import { introducedVersion } from "../identity";
import { el, textEl, xsiNamespace, type XmlElement } from "../xml";
import { attributeXml, type ColumnRole } from "./attributes";
import { localizedLabels } from "./labels";

function role(table: TableDefinition, column: string): ColumnRole {
  if (column === table.primaryIdAttribute) return "primaryId";
  return column === table.primaryNameAttribute ? "primaryName" : "other";
}

function attributesXml(table: TableDefinition): XmlElement {
  return el(
    "attributes",
    {},
    ourColumns(table).map(([name, column]) => attributeXml(table.logicalName, name, column, role(table, name))),
  );
}

/**
 * The table-level settings of a table of ours. Organization-owned: projects are reference data
 * the integration copies from SCM, which every user who plans work orders must read; user
 * ownership would add owner columns and sharing for nothing.
 */
function ownTableSettings(table: TableDefinition): XmlElement[] {
  const label = (name: string, childName: string, description: string) =>
    el(name, {}, localizedLabels(childName, description));
  return [
    label("LocalizedNames", "LocalizedName", table.displayName),
    label("LocalizedCollectionNames", "LocalizedCollectionName", `${table.displayName}s`),
    label("Descriptions", "Description", ""),
    attributesXml(table),
    textEl("EntitySetName", table.entitySetName),
    textEl("IsDuplicateCheckSupported", 0),
    textEl("IsBusinessProcessEnabled", 0),
    textEl("IsRequiredOffline", 0),
    textEl("IsInteractionCentricEnabled", 0),
    textEl("IsCollaboration", 0),
    textEl("AutoRouteToOwnerQueue", 0),
    textEl("IsConnectionsEnabled", 0),
    textEl("IsDocumentManagementEnabled", 0),
    textEl("AutoCreateAccessTeams", 0),
    textEl("IsOneNoteIntegrationEnabled", 0),
    textEl("IsKnowledgeManagementEnabled", 0),
    textEl("IsSLAEnabled", 0),
    textEl("IsDocumentRecommendationsEnabled", 0),
    textEl("IsBPFEntity", 0),
    textEl("OwnershipTypeMask", "OrgOwned"),
    textEl("IsAuditEnabled", 1),
    textEl("IsRetrieveAuditEnabled", 0),
    textEl("IsRetrieveMultipleAuditEnabled", 0),
    textEl("IsActivity", 0),
    textEl("IsActivityParty", 0),
    textEl("IsReplicated", 0),
    textEl("IsReplicationUserFiltered", 0),
    textEl("IsMailMergeEnabled", 0),
    textEl("IsVisibleInMobile", 0),
    textEl("IsVisibleInMobileClient", 1),
    textEl("IsReadOnlyInMobileClient", 0),
    textEl("IsOfflineInMobileClient", 0),
    textEl("DaysSinceRecordLastModified", 0),
    textEl("IsMapiGridEnabled", 1),
    textEl("IsReadingPaneEnabled", 1),
    textEl("IsQuickCreateEnabled", 0),
    textEl("SyncToExternalSearchIndex", 0),
    textEl("IntroducedVersion", introducedVersion),
    textEl("IsCustomizable", 1),
    textEl("IsRenameable", 1),
    textEl("IsMappable", 1),
    textEl("CanModifyAuditSettings", 1),
    textEl("CanModifyMobileVisibility", 1),
    textEl("CanModifyMobileClientVisibility", 1),
    textEl("CanModifyMobileClientReadOnly", 1),
    textEl("CanModifyMobileClientOffline", 1),
    textEl("CanModifyConnectionSettings", 1),
    textEl("CanModifyDuplicateDetectionSettings", 1),
    textEl("CanModifyMailMergeSettings", 1),
    textEl("CanModifyQueueSettings", 1),
    textEl("CanCreateAttributes", 1),
    textEl("CanCreateForms", 1),
    textEl("CanCreateCharts", 1),
    textEl("CanCreateViews", 1),
    textEl("CanModifyAdditionalSettings", 1),
    textEl("CanEnableSyncToExternalSearchIndex", 1),
    textEl("EnforceStateTransitions", 0),
    textEl("CanChangeHierarchicalRelationship", 1),
    textEl("EntityHelpUrlEnabled", 0),
    textEl("ChangeTrackingEnabled", 1),
    textEl("CanChangeTrackingBeEnabled", 1),
    textEl("IsEnabledForExternalChannels", 0),
    el(
      "EntityKeys",
      {},
      table.alternateKeys.map((key) =>
        el("EntityKey", {}, [
          textEl("Name", key.name),
          textEl("LogicalName", key.name),
          textEl("IntroducedVersion", introducedVersion),
          textEl("IsCustomizable", 1),
          label("displaynames", "displayname", key.columns.join(", ")),
          el(
            "EntityKeyAttributes",
            {},
            key.columns.map((column) => textEl("AttributeName", column)),
          ),
        ]),
      ),
    ),
  ];
}

export function entityXml(table: TableDefinition): XmlElement {
  const entity = isOwnTable(table)
    ? el("entity", { Name: table.logicalName }, ownTableSettings(table))
    : el("entity", { Name: table.logicalName, unmodified: 1 }, [attributesXml(table)]);
  return el("Entity", { "xmlns:xsi": xsiNamespace }, [
    el("Name", { LocalizedName: table.displayName, OriginalName: table.displayName }, table.logicalName),
    el("EntityInfo", {}, [entity]),
  ]);
}
