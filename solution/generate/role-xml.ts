/**
 * A security role as customizations.xml carries it: `<Role name id>` with `<RolePrivileges>`, one
 * `<RolePrivilege name level>` per privilege (CustomizationsSolution.xsd, `RolesType`; level one
 * of Basic, Local, Deep, Global).
 */
import { rolePrivileges, type SecurityRoleDefinition } from "../components/security-roles";
import { introducedVersion } from "../identity";
import { braced } from "../ids";
import { el, textEl, type XmlElement } from "../xml";

export function roleXml(role: SecurityRoleDefinition): XmlElement {
  return el("Role", { name: role.name, id: braced(role.id) }, [
    textEl("IsCustomizable", 1),
    textEl("IntroducedVersion", introducedVersion),
    el(
      "RolePrivileges",
      {},
      [...new Set(rolePrivileges(role))].sort().map((name) => el("RolePrivilege", { name, level: "Global" })),
    ),
  ]);
}
