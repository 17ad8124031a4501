/**
 * Relationship XML in SolutionPackager's unpacked layout: `Other/Relationships.xml` names every
 * relationship, and `Other/Relationships/<referenced table>.xml` holds the relationships that point
 * to that table, each an `EntityRelationship` as an export writes it (CustomizationsSolution.xsd,
 * `EntityRelationShipsType`; elements the schema does not know, such as CascadeArchive, are left out).
 */
import type { LookupRelationship } from "../components/relationships";
import { baseLanguage, introducedVersion } from "../identity";
import { el, textEl, xsiNamespace, type XmlElement } from "../xml";

/**
 * Role 1 is the referencing side (the lookup's table: nav pane settings and the single-valued
 * navigation property), role 0 the referenced side (the collection named after the relationship).
 */
export function relationshipXml(relationship: LookupRelationship): XmlElement {
  return el("EntityRelationship", { Name: relationship.name }, [
    textEl("EntityRelationshipType", "OneToMany"),
    textEl("IsCustomizable", 1),
    textEl("IntroducedVersion", introducedVersion),
    textEl("IsHierarchical", 0),
    textEl("ReferencingEntityName", relationship.referencingTable),
    textEl("ReferencedEntityName", relationship.referencedTable),
    textEl("CascadeAssign", "NoCascade"),
    // A referenced row with rows pointing at it through a required lookup cannot go; otherwise
    // deleting it clears the lookups (the maker portal's defaults for a new lookup).
    textEl("CascadeDelete", relationship.required ? "Restrict" : "RemoveLink"),
    textEl("CascadeReparent", "NoCascade"),
    textEl("CascadeShare", "NoCascade"),
    textEl("CascadeUnshare", "NoCascade"),
    textEl("CascadeRollupView", "NoCascade"),
    textEl("IsValidForAdvancedFind", 1),
    textEl("ReferencingAttributeName", relationship.referencingColumn),
    el("RelationshipDescription", {}, [
      el("Descriptions", {}, [
        el("Description", { description: relationship.description, languagecode: baseLanguage }),
      ]),
    ]),
    el("EntityRelationshipRoles", {}, [
      el("EntityRelationshipRole", {}, [
        textEl("NavPaneDisplayOption", "UseCollectionName"),
        textEl("NavPaneArea", "Details"),
        textEl("NavPaneOrder", 10000),
        textEl("NavigationPropertyName", relationship.navigationProperty),
        textEl("RelationshipRoleType", 1),
      ]),
      el("EntityRelationshipRole", {}, [
        textEl("NavigationPropertyName", relationship.name),
        textEl("RelationshipRoleType", 0),
      ]),
    ]),
  ]);
}

export function relationshipFilePath(referencedTable: string): string {
  return `Other/Relationships/${referencedTable}.xml`;
}

/** `Other/Relationships/<table>.xml`: the full relationships pointing to one table. */
export function relationshipFileXml(relationships: readonly LookupRelationship[]): XmlElement {
  return el("EntityRelationships", { "xmlns:xsi": xsiNamespace }, relationships.map(relationshipXml));
}

/** `Other/Relationships.xml`: the index, one empty `EntityRelationship` per relationship. */
export function relationshipIndexXml(names: readonly string[]): XmlElement {
  return el(
    "EntityRelationships",
    { "xmlns:xsi": xsiNamespace },
    names.map((name) => el("EntityRelationship", { Name: name })),
  );
}

/** The relationship files by path, grouped by referenced table. */
export function relationshipFiles(relationships: readonly LookupRelationship[]): Map<string, XmlElement> {
  const byTable = new Map<string, LookupRelationship[]>();
  for (const relationship of relationships) {
    byTable.set(relationship.referencedTable, [...(byTable.get(relationship.referencedTable) ?? []), relationship]);
  }
  return new Map([...byTable].map(([table, group]) => [relationshipFilePath(table), relationshipFileXml(group)]));
}
