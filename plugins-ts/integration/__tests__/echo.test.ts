import { parseExecutionContext } from "../../context/execution-context";
import { isDataverseEcho } from "../echo";
import type { IntegrationSettings } from "../settings";

const settings: IntegrationSettings = {
  integrationUserId: "A0000000-0000-4000-8000-0000000000F5",
  scmIntegrationUser: "FSI-Integration",
  echoTag: "fsi-integration",
  scmUnavailablePolicy: "fail-closed",
};

const USER = "a0000000-0000-4000-8000-000000000001";

function context(initiatingUserId: string, sharedVariables: { key: string; value: unknown }[] = []) {
  return parseExecutionContext({
    MessageName: "Update",
    PrimaryEntityName: "msdyn_shipvia",
    PrimaryEntityId: "b0000000-0000-4000-8000-000000000001",
    Stage: 40,
    Mode: 0,
    Depth: 2,
    UserId: initiatingUserId,
    InitiatingUserId: initiatingUserId,
    CorrelationId: "c0000000-0000-4000-8000-000000000001",
    OrganizationName: "contoso",
    InputParameters: [],
    SharedVariables: sharedVariables,
  });
}

describe("echo suppression", () => {
  it("recognises the integration's own Dataverse writes by initiating user or by tag", () => {
    expect(isDataverseEcho(context("a0000000-0000-4000-8000-0000000000f5"), settings)).toBe(true);
    expect(isDataverseEcho(context(USER, [{ key: "tag", value: "fsi-integration" }]), settings)).toBe(true);
    expect(isDataverseEcho(context(USER, [{ key: "tag", value: "someone-else" }]), settings)).toBe(false);
    expect(isDataverseEcho(context(USER), settings)).toBe(false);
  });
});
