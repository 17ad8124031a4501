import { readFileSync } from "node:fs";
import { join } from "node:path";
import { builtInMaps, lookupPairs } from "@fsi/core/maps";
import { globalPrivileges, privilegeName } from "@fsi/core/dataverse/privileges";
import {
  rolePrivileges,
  securityRoles,
  fsiIntegrationRole,
  fsiTechnicianRole,
  fsiAdministratorRole,
} from "../components/security-roles";
import { attribute, childElement, childElements, parseXml } from "../xml";

const customizations = parseXml(
  readFileSync(join(__dirname, "..", "src", "Other", "Customizations.xml"), "utf8"),
  "Customizations.xml",
);

function packedRoles(): Map<string, { id: string; privileges: { name: string; level: string }[] }> {
  const roles = childElement(customizations, "Roles");
  const result = new Map<string, { id: string; privileges: { name: string; level: string }[] }>();
  for (const role of roles === undefined ? [] : childElements(roles, "Role")) {
    const privileges = childElements(childElement(role, "RolePrivileges") ?? role, "RolePrivilege").map(
      (privilege) => ({
        name: attribute(privilege, "name") ?? "",
        level: attribute(privilege, "level") ?? "",
      }),
    );
    result.set(attribute(role, "name") ?? "", { id: attribute(role, "id") ?? "", privileges });
  }
  return result;
}

describe("security roles", () => {
  it("ship in customizations.xml exactly as defined, every privilege at Global depth", () => {
    const packed = packedRoles();
    expect([...packed.keys()].sort()).toEqual(securityRoles.map((role) => role.name).sort());
    for (const role of securityRoles) {
      const shipped = packed.get(role.name);
      expect(shipped?.id).toBe(`{${role.id}}`);
      expect(shipped?.privileges.map((privilege) => privilege.name).sort()).toEqual(
        [...new Set(rolePrivileges(role))].sort(),
      );
      expect(new Set(shipped?.privileges.map((privilege) => privilege.level))).toEqual(new Set(["Global"]));
    }
  });

  it("name privileges prv<Action><table>", () => {
    for (const role of securityRoles) {
      for (const name of rolePrivileges(role)) {
        // A privilege of no table is one Dataverse defines (core globalPrivileges); the others name their table.
        if (Object.values(globalPrivileges).some((privilege) => privilege.name === name)) continue;
        expect(name).toMatch(/^prv(Create|Read|Write|Delete|AppendTo|Append)[A-Za-z][A-Za-z_]*$/);
      }
    }
    expect(privilegeName("msdyn_warehouse", "Read")).toBe("prvReadmsdyn_warehouse");
    expect(privilegeName("systemuser", "Read")).toBe("prvReadUser");
    expect(privilegeName("environmentvariablevalue", "Read")).toBe("prvReadEnvironmentVariableValue");
  });

  it("give the integration what each built-in map writes: the table, its company and every lookup target", () => {
    const held = new Set(rolePrivileges(fsiIntegrationRole));
    for (const map of builtInMaps) {
      for (const action of ["Create", "Read", "Write", "Delete", "Append"] as const)
        expect(held).toContain(privilegeName(map.dataverseTable, action));
      expect(held).toContain(privilegeName("cdm_company", "AppendTo"));
      for (const pair of lookupPairs(map)) {
        expect(held).toContain(privilegeName(pair.lookup.table, "Read"));
        expect(held).toContain(privilegeName(pair.lookup.table, "AppendTo"));
      }
    }
  });

  it("keep the integration out of registration and the technician out of writes", () => {
    const integration = rolePrivileges(fsiIntegrationRole);
    for (const table of ["serviceendpoint", "sdkmessageprocessingstep", "environmentvariablevalue"]) {
      expect(integration.filter((name) => name.endsWith(privilegeName(table, "Read").slice("prvRead".length)))).toEqual(
        [],
      );
    }
    expect(rolePrivileges(fsiTechnicianRole).every((name) => name.startsWith("prvRead"))).toBe(true);
    expect(rolePrivileges(fsiAdministratorRole)).toEqual(
      expect.arrayContaining([
        "prvWriteServiceEndpoint",
        "prvCreateSdkMessageProcessingStep",
        "prvWriteEnvironmentVariableValue",
      ]),
    );
  });

  it("explain every grant", () => {
    for (const role of securityRoles) for (const grant of role.grants) expect(grant.why.length).toBeGreaterThan(20);
  });
});

describe("solution/README.md", () => {
  it("explains every privilege of every role", () => {
    // Prettier pads table cells: compare with runs of spaces collapsed.
    const readme = readFileSync(join(__dirname, "..", "README.md"), "utf8").replace(/ {2,}/g, " ");
    for (const role of securityRoles) {
      expect(readme).toContain(`### ${role.name}`);
      for (const grant of role.grants) {
        const privileges = grant.actions.map((action) => `\`${privilegeName(grant.table, action)}\``).join(", ");
        expect(readme).toContain(`| \`${grant.table}\` | ${privileges} | ${grant.why} |`);
      }
    }
  });
});
