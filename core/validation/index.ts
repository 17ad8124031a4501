export * from "./codes";
export * from "./contract";
export * from "./format-zod-error";
