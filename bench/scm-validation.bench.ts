/**
 * Pre-save validation through SCM's standard OData, next to a plain create, in the same run against
 * the same SCM emulator: each validation is one `$batch` changeset (the mapped create, then a
 * request certain to fail, rolled back as a unit); each baseline is one POST that writes the row.
 * Alternated one by one, so both see the same machine load. The ratio is what validating costs
 * relative to writing the row.
 *
 * Run alone: `npx tsx bench/scm-validation.bench.ts`.
 */
import { createServer } from "node:http";
import { warehouses } from "@fsi/core/scm/entities";
import { ScmClient } from "@fsi/plugins/services/scm-client";
import { closeServer, listen } from "@fsi/sandbox/http";
import { createScmEmulator } from "@fsi/sandbox/scm";

export interface ScmValidationBenchRow {
  readonly operation: string;
  readonly requests: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly meanMs: number;
  /** Mean latency ÷ the plain create's mean. */
  readonly ratioToCreate: number;
}

const ROUNDS = 300;

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

const round = (value: number): number => Number(value.toFixed(2));

export async function scmValidationBench(rounds = ROUNDS): Promise<ScmValidationBenchRow[]> {
  const scm = createScmEmulator({ seed: true });
  const server = createServer((req, res) => void scm.handle(req, res));
  const origin = await listen(server, 0);
  const client = new ScmClient({ url: `${origin}/scm`, integrationUser: "FSI-Integration" });
  const row = (id: string) => ({
    dataAreaId: "usmf",
    WarehouseId: id,
    WarehouseName: `Bench ${id}`,
    OperationalSiteId: "1",
    WarehouseType: "Default",
    TransitWarehouseId: "1990",
  });
  const timings = { validate: [] as number[], create: [] as number[] };
  try {
    for (let index = 0; index < rounds + 20; index += 1) {
      const id = String(8000 + index).padStart(4, "0");
      let started = performance.now();
      const checked = await client.validateInChangeset(
        warehouses,
        "create",
        { dataAreaId: "usmf", WarehouseId: id },
        row(id),
      );
      const validateMs = performance.now() - started;
      if (checked.errors.length > 0)
        throw new Error(`validation refused a valid row: ${JSON.stringify(checked.errors)}`);
      started = performance.now();
      await client.createRow(warehouses, row(id));
      const createMs = performance.now() - started;
      // The first rounds warm the JIT and SQLite's caches.
      if (index < 20) continue;
      timings.validate.push(validateMs);
      timings.create.push(createMs);
    }
  } finally {
    await closeServer(server);
    await scm.close();
  }
  const mean = (values: readonly number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
  const createMean = mean(timings.create);
  const rowOf = (operation: string, values: number[]): ScmValidationBenchRow => {
    const sorted = [...values].sort((a, b) => a - b);
    return {
      operation,
      requests: values.length,
      p50Ms: round(percentile(sorted, 50)),
      p99Ms: round(percentile(sorted, 99)),
      meanMs: round(mean(values)),
      ratioToCreate: round(mean(values) / createMean),
    };
  };
  return [
    rowOf("plain create (POST Warehouses)", timings.create),
    rowOf("validation ($batch changeset, rolled back)", timings.validate),
  ];
}

if (require.main === module) {
  scmValidationBench()
    .then((rows) => {
      console.table(rows);
    })
    .catch((error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    });
}
