/** The Dataverse Web API emulator with its plug-in pipeline (see README.md). */
export { DataverseEmulator, DEFAULT_USER, CLIENT_STATE_HEADER } from "./emulator";
export type { DataverseEmulatorOptions, InstalledSolution } from "./emulator";
export { dataverseRoute, startDataverseServer, WEB_API_PATH, DEFAULT_MAX_REQUEST_BYTES } from "./http-adapter";
export type { DataverseRouteOptions, DataverseServer } from "./http-adapter";
export type { ApiRequest, ApiResponse } from "./api";
export type { EmulatorUser } from "./identity";
export type { ServiceProtectionLimits } from "./limits";
export type { PlatformPlugin, PlatformPluginExecution, PlatformService } from "./pipeline/platform-plugins";
export { DataverseError, ErrorCode } from "./errors";
export { buildRemoteExecutionContext } from "./pipeline/execution-context";
export type { ExecutionContextInput, RemoteExecutionContext } from "./pipeline/execution-context";
