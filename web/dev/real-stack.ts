// Signs in to a running screenpop (demo mode, simulator login form) and screenshots the live page as calls
// come and go. A dev tool: node --import tsx web/dev/real-stack.ts http://127.0.0.1:3000 [email] [seconds]
import { mkdirSync } from 'node:fs';
import { launchChromium } from './browser.ts';

const base = process.argv[2] ?? 'http://127.0.0.1:3000';
const user = process.argv[3] ?? 'marcus.oyelaran@northgate-appliance.example';
const seconds = Number(process.argv[4] ?? 30);
const out = 'test-output/web/real';
mkdirSync(out, { recursive: true });

const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
  page.on('console', (m) => m.type() !== 'debug' && console.warn(`console.${m.type()}: ${m.text()}`));
  page.on('websocket', (ws) => {
    ws.on('framereceived', (f) => console.warn(`push ← ${String(f.payload).slice(0, 160)}`));
    ws.on('close', () => console.warn('push socket closed'));
  });
  await page.goto(base);
  await page.getByTestId('sign-in').click();
  await page.locator(`button[name="user"][value="${user}"]`).click();
  await page.getByTestId('connection-status').and(page.locator('[data-state="live"]')).waitFor();
  for (let i = 0; i < seconds / 5; i++) {
    await page.waitForTimeout(5000);
    await page.screenshot({ path: `${out}/live-${String(i).padStart(2, '0')}.png`, fullPage: true });
  }
  const ended = page.locator('article.card[data-phase="ended"]').first();
  if ((await ended.count()) > 0) {
    await ended.getByTestId('notes-input').fill(`checked from real-stack.ts at ${new Date().toISOString()}`);
    await ended.getByTestId('disposition-select').selectOption('resolved');
    await ended.getByTestId('notes-save').click();
    const status = ended.getByTestId('notes-status');
    await page.waitForTimeout(1000);
    console.warn(`notes save: ${await status.getAttribute('data-state')} ${await status.textContent()}`);
  }
  for (const nav of ['history', 'contacts', 'settings']) {
    await page.getByTestId(`nav-${nav}`).click();
    await page.waitForTimeout(800);
    await page.screenshot({ path: `${out}/${nav}.png`, fullPage: true });
  }
} finally {
  await browser.close();
}
