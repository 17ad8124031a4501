import { readFileSync } from "node:fs";
import { join } from "node:path";
import { solutionServiceEndpoints, solutionWebhookSteps } from "../steps";

/** The solution's README states how many steps and endpoints the solution carries: it must stay true. */
describe("solution/README.md", () => {
  const readme = readFileSync(join(__dirname, "..", "README.md"), "utf8");

  it("states the number of webhook steps the solution registers", () => {
    expect(readme).toContain(`| ${solutionWebhookSteps().length} webhook steps (\`solutionWebhookSteps()\`)`);
  });

  it("states the number of service endpoints, one per handler", () => {
    const endpoints = solutionServiceEndpoints();
    expect(new Set(endpoints.map((endpoint) => endpoint.handler)).size).toBe(endpoints.length);
    expect(readme).toContain(`| ${endpoints.length} webhook service endpoints`);
  });
});
