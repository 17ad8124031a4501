/**
 * The validation custom service: the same checks as an OData write (types, company, mandatory
 * fields, the company's rules, key uniqueness on create), nothing written, every violation at once.
 */
import {
  SCM_VALIDATION_SERVICE_PATH,
  type ScmValidationResponse,
  formatZodError,
  scmEntities,
  scmEntityByCollection,
  scmValidationRequestSchema,
} from "@fsi/core";
import { type Router, readJson, sendJson } from "../../http";
import { scmError } from "../errors";
import type { RecordChecker } from "../records";

export interface ValidationServiceDependencies {
  readonly prefix: string;
  readonly checker: RecordChecker;
  readonly defaultCompany: string;
  readonly bodyLimitBytes: number;
}

export function addValidationServiceRoute(router: Router, deps: ValidationServiceDependencies): void {
  router.on(
    "POST",
    `${deps.prefix}${SCM_VALIDATION_SERVICE_PATH}`,
    async ({ req, res }) => {
      const body = await readJson(req, { limitBytes: deps.bodyLimitBytes });
      const parsed = scmValidationRequestSchema.safeParse(body);
      if (!parsed.success) {
        throw scmError(400, "InvalidRequest", formatZodError(parsed.error, "FsiValidationService.validate"));
      }
      const { entity: collection, operation, record } = parsed.data._request;
      const entity = scmEntityByCollection(collection);
      if (entity === undefined) {
        throw scmError(
          400,
          "UnknownEntity",
          `Unknown entity '${collection}'; the entities are ${scmEntities.map((known) => known.collection).join(", ")}.`,
        );
      }
      const check = deps.checker.check({ entity, operation, input: record, defaultCompany: deps.defaultCompany });
      const response: ScmValidationResponse = { valid: check.errors.length === 0, errors: check.errors };
      sendJson(res, 200, response);
    },
    { exact: true },
  );
}
