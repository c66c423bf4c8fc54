import { type BrowserContext, chromium } from "playwright-core";
import { chromiumPath } from "../../src/setup/steps.js";

/**
 * Debian's Chromium, headless, as the browser tests drive it (never a downloaded browser). The
 * background-networking flags keep it from calling out: this machine's network refuses those
 * connections, many at a time.
 */
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

/** A headless Chromium with its own profile folder (`profileDir`, made by the caller). */
export function launchChromium(profileDir: string): Promise<BrowserContext> {
  return chromium.launchPersistentContext(profileDir, {
    executablePath: chromiumPath(),
    headless: true,
    args: CHROMIUM_ARGS,
  });
}
