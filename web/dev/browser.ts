// The one way dev tools and end-to-end tests start Chromium: Debian's package, headless, no background traffic.
import { chromium, type Browser } from 'playwright-core';

/** Debian's chromium package; playwright-core ships no browser of its own. */
export const CHROMIUM = '/usr/bin/chromium';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
