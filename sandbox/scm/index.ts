/** The SCM emulator (see README.md). */
export { createScmEmulator } from "./emulator";
export type { ScmEmulator, ScmEmulatorOptions } from "./emulator";
export { rulesFileSchema } from "./rules/schema";
export type { ScmRule, ScmRulesFile } from "./rules/schema";
export { SEED_RULES_PATH, loadRulesFile } from "./seed/load";
export { generateSeedData } from "./seed/generate";
