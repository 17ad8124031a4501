/**
 * Debian's Chromium for the end-to-end tests, driven by playwright-core (no downloaded browsers).
 * Missing Chromium: the suite says how to install it and is skipped locally; under CI (`CI=true`)
 * it fails instead, so a CI machine without a browser can never pass by skipping.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, type Page, chromium } from "playwright-core";

export const CHROMIUM_PATH = "/usr/bin/chromium";
export const INSTALL_CHROMIUM = "apt-get update && apt-get install -y chromium";

/** The flags every run uses: headless, no sandbox (containers), and nothing that calls home. */
export const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
] as const;

export const screenshotFolder = join(__dirname, "..", "..", "test-results", "screenshots");

export function chromiumAvailable(): boolean {
  return existsSync(CHROMIUM_PATH);
}

/**
 * `describe` when Chromium is there; otherwise `describe.skip` with the install command printed
 * (locally) or a failing test saying the same (CI).
 */
export function describeWithChromium(name: string, body: () => void): void {
  if (chromiumAvailable()) {
    describe(name, body);
    return;
  }
  const message = `Chromium is not installed at ${CHROMIUM_PATH}; install it with: ${INSTALL_CHROMIUM}`;
  if (process.env.CI === "true") {
    describe(name, () => {
      it("needs Chromium", () => {
        throw new Error(message);
      });
    });
    return;
  }
  console.warn(`${name}: skipped. ${message}`);
  describe.skip(name, body);
}

export interface Browser {
  readonly context: BrowserContext;
  /** A new tab: its own sessionStorage, so the form host's switches start at their defaults. */
  newPage(options?: { readonly width?: number; readonly height?: number }): Promise<Page>;
  /** Saves a screenshot to `test-results/screenshots/<name>.png`; returns its path. */
  screenshot(page: Page, name: string, options?: { readonly fullPage?: boolean }): Promise<string>;
  close(): Promise<void>;
}

/**
 * Launches Chromium with a new, empty profile (`--user-data-dir`), removed on close. Certificates
 * named by their public key hash (`trustedSpki`, base64 SHA-256 of the SPKI) are trusted, as a
 * machine trusts its own CA: the sandbox's Entra ID serves https with a self-signed certificate.
 */
export async function launchBrowser(
  options: {
    readonly geolocation?: { latitude: number; longitude: number };
    readonly trustedSpki?: readonly string[];
  } = {},
): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), "fsi-chromium-"));
  mkdirSync(screenshotFolder, { recursive: true });
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      ...CHROMIUM_FLAGS,
      ...(options.trustedSpki === undefined || options.trustedSpki.length === 0
        ? []
        : [`--ignore-certificate-errors-spki-list=${options.trustedSpki.join(",")}`]),
    ],
    viewport: { width: 1280, height: 900 },
    ...(options.geolocation === undefined ? {} : { geolocation: options.geolocation, permissions: ["geolocation"] }),
  });
  const errors: string[] = [];
  context.on("weberror", (error) => {
    errors.push(error.error().message);
  });
  return {
    context,
    newPage: async ({ width, height } = {}) => {
      const page = await context.newPage();
      if (width !== undefined || height !== undefined)
        await page.setViewportSize({ width: width ?? 1280, height: height ?? 900 });
      return page;
    },
    screenshot: async (page, name, { fullPage = false } = {}) => {
      const path = join(screenshotFolder, `${name}.png`);
      await page.screenshot({ path, fullPage });
      return path;
    },
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
