/**
 * `fsi setup` and `fsi doctor` (plugins-ts/setup does the work): after importing the solution,
 * `setup` sets the service endpoints' URL and key and the environment variables' values, then
 * checks everything; `doctor` checks the same without changing anything. Both print each problem
 * with its fix and answer exit code 1 while anything is missing.
 */
import { runChecks, type Finding, type SetupReport } from "../../setup/checks";
import { generatedKeyCommands, hostSettingsLines } from "../../setup/host-settings";
import type { SetupSettings } from "../../setup/settings";
import { signInTokenProvider } from "../../setup/sign-in";
import { SetupWebApi } from "../../setup/web-api";
import type { MapCatalog } from "../../services/map-catalog";
import { type CliIo, ExitCode } from "../context";

export interface SetupCommandContext {
  readonly io: CliIo;
  readonly settings: SetupSettings;
  readonly maps: MapCatalog;
  readonly json: boolean;
}

function printFindings(io: CliIo, findings: readonly Finding[]): void {
  if (findings.length === 0) {
    io.out("Nothing missing.");
    return;
  }
  io.out(`Missing (${findings.length}):`);
  for (const finding of findings) {
    io.out(`  [${finding.area}] ${finding.problem}`);
    io.out(`      fix: ${finding.fix}`);
  }
}

async function check(context: SetupCommandContext, mode: "setup" | "doctor"): Promise<SetupReport> {
  const { settings, io } = context;
  const api = new SetupWebApi(
    settings.dataverseUrl,
    signInTokenProvider(settings.signIn, settings.dataverseUrl, settings.authorityHost, (message) => {
      io.err(message);
    }),
  );
  return runChecks(settings, api, { mode, maps: context.maps.maps });
}

export async function doctorCommand(context: SetupCommandContext): Promise<number> {
  const report = await check(context, "doctor");
  if (context.json)
    context.io.out(JSON.stringify({ signedInAs: report.signedInAs, findings: report.findings }, null, 2));
  else {
    context.io.out(`fsi doctor: ${context.settings.dataverseUrl} (host ${context.settings.hostUrl})`);
    printFindings(context.io, report.findings);
  }
  return report.findings.length === 0 ? ExitCode.Ok : ExitCode.RowsFailed;
}

export async function setupCommand(context: SetupCommandContext): Promise<number> {
  const { io, settings } = context;
  const report = await check(context, "setup");
  const commands = generatedKeyCommands(settings, report.generated);
  if (context.json) {
    io.out(
      JSON.stringify(
        {
          signedInAs: report.signedInAs,
          changes: report.changes,
          findings: report.findings,
          hostSettings: hostSettingsLines(settings),
          keyVaultCommands: commands,
        },
        null,
        2,
      ),
    );
    return report.findings.length === 0 ? ExitCode.Ok : ExitCode.RowsFailed;
  }
  io.out(`fsi setup: ${settings.dataverseUrl} (host ${settings.hostUrl})`);
  for (const change of report.changes) io.out(`  set [${change.area}] ${change.subject}: ${change.done}`);
  if (commands.length > 0) {
    io.out("");
    io.out("New keys were generated (shown this once; fsi keeps no copy). Store them in the host's Key Vault:");
    for (const command of commands) io.out(`  ${command}`);
  }
  if (!settings.sandbox) {
    io.out("");
    io.out(
      `The host's app settings (identity: ${settings.hostCredential}${settings.hostCredential === "managed-identity" ? ", no stored secret" : ""}):`,
    );
    for (const line of hostSettingsLines(settings)) io.out(`  ${line}`);
  }
  io.out("");
  printFindings(io, report.findings);
  return report.findings.length === 0 ? ExitCode.Ok : ExitCode.RowsFailed;
}
