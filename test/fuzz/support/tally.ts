/**
 * With `FUZZ_TALLY=1`, counts the replies of each endpoint by status and error code and prints the
 * table when a suite ends: the way to see that a generator reaches past the first check (a suite
 * whose cases all end in one 400 tests little).
 */
const counts = new Map<string, number>();
const enabled = process.env.FUZZ_TALLY === "1";

function errorCode(json: unknown): string {
  if (typeof json !== "object" || json === null) return "";
  const error = (json as { error?: { code?: unknown } }).error;
  if (typeof error?.code === "string") return error.code;
  const type = (json as { ExceptionType?: unknown }).ExceptionType;
  return typeof type === "string" ? type : "";
}

export function tally(endpoint: string, status: number, json: unknown): void {
  if (!enabled) return;
  const key = `${endpoint}\t${status}\t${errorCode(json)}`;
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

afterAll(() => {
  if (!enabled || counts.size === 0) return;
  const lines = [...counts]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, count]) => `${String(count).padStart(6)}  ${key}`);
  process.stdout.write(`\nreplies by endpoint, status and code:\n${lines.join("\n")}\n`);
  counts.clear();
});
