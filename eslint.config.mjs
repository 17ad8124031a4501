// ESLint flat config: typescript-eslint's type-checked presets everywhere, plus the Power Apps
// checker rules for code that runs inside model-driven forms (controls and form scripts).
import js from "@eslint/js";
import powerApps from "@microsoft/eslint-plugin-power-apps";
import { createNodeResolver, importX } from "eslint-plugin-import-x";
import globals from "globals";
import tseslint from "typescript-eslint";

// Our workspaces (@fsi/core, ...) resolve through node_modules symlinks to the parts' folders; named
// "internal" so import-x/no-cycle follows them like relative imports instead of skipping them as
// external packages.
const importSettings = {
  "import-x/extensions": [".ts", ".tsx", ".js"],
  "import-x/internal-regex": "^@fsi/",
  "import-x/resolver-next": [createNodeResolver({ extensions: [".ts", ".tsx", ".js", ".json"] })],
};

/** Tests and the helpers only tests use: they may import a part's devDependencies and the emulators. */
const testFiles = ["**/__tests__/**", "**/*.test.{ts,tsx}", "controls/testing/**", "controls/screenshots.ts"];

const powerAppsRules = Object.fromEntries(
  Object.keys(powerApps.rules).map((rule) => [`@microsoft/power-apps/${rule}`, "error"]),
);

const productZones = [
  {
    target: ["./core", "./controls", "./plugins-ts", "./solution", "./forms"],
    from: ["./sandbox", "./test", "./bench"],
    message: "The product never imports the emulators (sandbox/), tests (test/) or benchmarks (bench/).",
  },
  {
    target: "./controls",
    from: "./controls/testing",
    message:
      "The controls' test stand-ins (controls/testing) serve tests, the screenshots and the sandbox, never a bundle.",
  },
  {
    target: "./core",
    from: ["./controls", "./plugins-ts", "./solution", "./forms"],
    message: "core imports nothing of ours outside core: every other part depends on it, not the reverse.",
  },
];
// plugins-ts/http-kit: transport-neutral request/reply, body limits, keys, tokens, CORS. Everything
// server-side may import it; it imports nothing of plugins-ts but itself.
const groundFloor = {
  target: "./plugins-ts/http-kit",
  from: "./plugins-ts",
  except: ["./http-kit"],
  message: "plugins-ts/http-kit is the ground floor: it never imports the plug-ins, the host, sync or inventory.",
};
// The composition roots build the host from the settings and start it; only their tests import them.
const compositionRoots = {
  target: ".",
  from: ["./plugins-ts/azure", "./plugins-ts/host/main.ts"],
  message:
    "The composition roots (plugins-ts/host/main.ts, plugins-ts/azure/) sit on top: nothing imports them but their tests.",
};

export default tseslint.config(
  { ignores: ["node_modules/", "dist/", "out/", ".sandbox/", "coverage/", "test-results/", "**/generated/"] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
      globals: { ...globals.node },
    },
    rules: {
      "@typescript-eslint/restrict-template-expressions": ["error", { allowNumber: true, allowBoolean: true }],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    // A module graph with a runtime cycle loads in an order that depends on who imports first.
    // `import type` is erased at compile time and does not count.
    files: ["**/*.{ts,tsx}"],
    plugins: { "import-x": importX },
    settings: importSettings,
    rules: { "import-x/no-cycle": ["error", { ignoreExternal: true }] },
  },
  {
    // Each part (an npm workspace, README "Architecture") declares what it imports in its own
    // package.json: its code only its `dependencies`, its tests and test helpers also its
    // `devDependencies`. Our own packages count too, so no product package depends on
    // @fsi/sandbox, @fsi/test or @fsi/bench except for its tests.
    files: ["**/*.{ts,tsx,js,mjs,cjs}"],
    plugins: { "import-x": importX },
    settings: importSettings,
    rules: {
      "import-x/no-extraneous-dependencies": [
        "error",
        { devDependencies: [...testFiles, "*.config.{js,mjs,ts}"], includeInternal: true, includeTypes: false },
      ],
    },
  },
  {
    // Imports flow one way: `core` ← everything. The product (what gets deployed) never reaches into
    // the emulators, the cross-part tests or the benchmarks; `core` imports nothing of ours outside
    // itself. Tests and test support inside a part may use the emulators. In plugins-ts, the HTTP
    // and auth kit is the ground floor and the composition roots sit on top.
    files: ["core/**/*.ts", "controls/**/*.{ts,tsx}", "plugins-ts/**/*.ts", "solution/**/*.ts", "forms/**/*.ts"],
    ignores: testFiles,
    rules: { "import-x/no-restricted-paths": ["error", { zones: [...productZones, groundFloor, compositionRoots] }] },
  },
  {
    // The Azure Functions entry is a composition root itself: its files import one another.
    files: ["plugins-ts/azure/**/*.ts"],
    ignores: ["**/__tests__/**", "**/*.test.ts"],
    rules: { "import-x/no-restricted-paths": ["error", { zones: productZones }] },
  },
  {
    // The sandbox and the benchmarks host the plug-in host as any entry would, never through an entry.
    files: ["sandbox/**/*.ts", "bench/**/*.ts"],
    ignores: ["**/__tests__/**", "**/*.test.ts"],
    rules: { "import-x/no-restricted-paths": ["error", { zones: [compositionRoots] }] },
  },
  {
    files: ["**/*.js", "**/*.mjs", "**/*.cjs"],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { ...tseslint.configs.disableTypeChecked.languageOptions, globals: { ...globals.node } },
    rules: { ...tseslint.configs.disableTypeChecked.rules, "@typescript-eslint/no-require-imports": "off" },
  },
  {
    files: ["controls/**/*.{ts,tsx}", "forms/**/*.ts"],
    ignores: ["**/__tests__/**"],
    plugins: { "@microsoft/power-apps": powerApps },
    languageOptions: { globals: { ...globals.browser } },
    rules: powerAppsRules,
  },
  {
    // Tests may use non-null assertions on values they just checked with expect().
    files: ["**/__tests__/**", "test/**", "**/*.test.ts", "**/*.test.tsx"],
    rules: { "@typescript-eslint/no-non-null-assertion": "off" },
  },
);
