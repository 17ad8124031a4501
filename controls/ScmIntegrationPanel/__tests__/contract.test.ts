import fc from "fast-check";
import { validationIssueCodes } from "@fsi/core/validation/codes";
import { validationResponseSchema } from "@fsi/core/validation/contract";
import { mapSummaries } from "@fsi/core/maps/summary";
import { scmMaps } from "../services/scmMaps";
import { isValidationResponse } from "@fsi/core/validation/client";

const issue = fc.record(
  {
    attribute: fc.string(),
    code: fc.oneof(fc.constantFrom(...validationIssueCodes), fc.string()),
    message: fc.oneof(fc.string(), fc.integer()),
    extra: fc.anything(),
  },
  { requiredKeys: ["code"] },
);

const response = fc.record(
  {
    valid: fc.oneof(fc.boolean(), fc.constantFrom("true", 1, null)),
    errors: fc.oneof(fc.array(issue, { maxLength: 3 }), fc.anything()),
    warnings: fc.oneof(fc.array(issue, { maxLength: 3 }), fc.anything()),
  },
  { requiredKeys: [] },
);

describe("the panel's reply guard", () => {
  it("accepts exactly what the contract's zod schema accepts", () => {
    fc.assert(
      fc.property(fc.oneof(response, fc.anything()), (reply) => {
        expect(isValidationResponse(reply)).toBe(validationResponseSchema.safeParse(reply).success);
      }),
      { numRuns: 2000 },
    );
  });

  it("accepts a typical valid and invalid reply", () => {
    expect(isValidationResponse({ valid: true, errors: [], warnings: [] })).toBe(true);
    expect(
      isValidationResponse({
        valid: false,
        errors: [{ attribute: "msdyn_name", code: "maxLength", message: "Too long" }],
        warnings: [],
      }),
    ).toBe(true);
  });
});

describe("the panel's copy of the entity maps", () => {
  it("equals what core's built-in maps say (controls/build.js regenerates it)", () => {
    expect(scmMaps).toEqual(mapSummaries());
  });
});
