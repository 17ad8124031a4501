/**
 * Loading the seed: the rules file shipped beside this module, and the seed rows, each checked
 * against those rules exactly as an OData create would be — a seed that breaks its own rules
 * fails at start-up, naming the row and the rule.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { formatZodError, scmEntityByCollection } from "@fsi/core";
import { lineAndColumn, locateJsonError } from "../../http";
import { stampRowVersion } from "../inventory/system-fields";
import type { RecordChecker } from "../records";
import { type ScmRulesFile, rulesFileSchema } from "../rules/schema";
import type { ScmDatabase } from "../store/database";
import type { EntityTable } from "../store/entity-table";
import { generateSeedData } from "./generate";

export const SEED_RULES_PATH = join(__dirname, "rules.json");

/** Reads and validates a rules file; a bad file throws with every problem and its JSON path. */
export function loadRulesFile(path: string): ScmRulesFile {
  const text = readFileSync(path, "utf8");
  let json: unknown;
  try {
    json = JSON.parse(text) as unknown;
  } catch {
    const { line, column } = lineAndColumn(text, locateJsonError(text));
    throw new Error(`${path}: not valid JSON at line ${line}, column ${column}.`);
  }
  const parsed = rulesFileSchema.safeParse(json);
  if (!parsed.success) throw new Error(formatZodError(parsed.error, path));
  return parsed.data;
}

/** Inserts the seed rows in one transaction. */
export function seedScmData(db: ScmDatabase, tables: ReadonlyMap<string, EntityTable>, checker: RecordChecker): void {
  const data = generateSeedData();
  db.transaction(() => {
    for (const [collection, rows] of Object.entries(data) as [string, Record<string, string | number>[]][]) {
      const entity = scmEntityByCollection(collection);
      const table = tables.get(collection);
      if (entity === undefined || table === undefined) throw new Error(`Seed data for unknown entity '${collection}'.`);
      for (const row of rows) {
        const check = checker.check({
          entity,
          operation: "create",
          input: row,
          defaultCompany: String(row.dataAreaId),
        });
        if (check.errors.length > 0) {
          throw new Error(
            `Seed row ${collection} ${JSON.stringify(check.key)} breaks the rules: ${check.errors.map((error) => error.message).join(" ")}`,
          );
        }
        // Seeded rows get row versions too, so a first batch run (from version 0) reads them.
        stampRowVersion(db, entity, check.row, check.changedFields, true);
        table.insert(check.row);
      }
    }
  })();
}
