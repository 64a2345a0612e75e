// Takes screenshots of the app served by the dev harness (or any URL) into test-output/web/. A dev tool.
// Run: node --import tsx web/dev/screenshots.ts [http://127.0.0.1:5180]
import { mkdirSync } from 'node:fs';
import { launchChromium } from './browser.ts';

const base = process.argv[2] ?? 'http://127.0.0.1:5180';
const out = 'test-output/web';
mkdirSync(out, { recursive: true });

const browser = await launchChromium();
const errors: string[] = [];
try {
  for (const [name, viewport, scheme] of [
    ['desktop', { width: 1280, height: 1000 }, 'light'],
    ['dark', { width: 1280, height: 1000 }, 'dark'],
    ['mobile', { width: 390, height: 844 }, 'light'],
  ] as const) {
    const page = await browser.newPage({ viewport, colorScheme: scheme });
    page.on('pageerror', (e) => errors.push(`${name}: ${e.message}`));
    page.on('console', (m) => m.type() === 'error' && errors.push(`${name}: ${m.text()}`));
    page.on('dialog', (d) => {
      errors.push(`${name}: a dialog opened (${d.message()}) — caller ID was executed?`);
      void d.dismiss();
    });
    await page.goto(`${base}/#/live`);
    await page.waitForSelector('[data-testid="card-call-dana"] [data-testid="card-company"]', {
      timeout: 5000,
    });
    await page.screenshot({ path: `${out}/live-${name}.png`, fullPage: true });
    if (name === 'desktop') {
      for (const hash of ['#/history', '#/history/log-0', '#/contacts/k-dana', '#/settings']) {
        await page.goto(`${base}/${hash}`);
        await page.waitForTimeout(500);
        await page.screenshot({ path: `${out}/page-${hash.slice(2).replace('/', '-')}.png`, fullPage: true });
      }
      await page.goto(`${base}/#/live`);
      await page.keyboard.press('?');
      await page.screenshot({ path: `${out}/help.png` });
    }
    await page.close();
  }
} finally {
  await browser.close();
}
if (errors.length > 0) {
  console.error(`errors:\n${errors.join('\n')}`);
  process.exitCode = 1;
} else {
  console.warn(`no page errors; screenshots in ${out}/`);
}
