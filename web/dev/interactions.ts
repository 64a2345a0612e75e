// Clicks through the app served by the dev harness and reports what does not behave. A dev tool, run by hand:
// node --import tsx web/dev/harness.ts --port 5181 & node --import tsx web/dev/interactions.ts http://127.0.0.1:5181
import type { Page } from 'playwright-core';
import { launchChromium } from './browser.ts';

const base = process.argv[2] ?? 'http://127.0.0.1:5181';
const failures: string[] = [];
const check = async (name: string, fn: () => Promise<void>): Promise<void> => {
  try {
    await fn();
    console.warn(`ok   ${name}`);
  } catch (e) {
    failures.push(name);
    console.warn(`FAIL ${name}: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
  }
};
const card = (page: Page, id: string) => page.getByTestId(`card-${id}`);

const browser = await launchChromium();
try {
  await fetch(`${base}/dev/reset`, { method: 'POST' });
  const page = await browser.newPage();
  page.on('dialog', (d) => {
    failures.push(`dialog opened: ${d.message()}`);
    void d.dismiss();
  });
  await page.goto(`${base}/#/live`);

  await check('lookup pending updates in place to the matched contact', async () => {
    await card(page, 'call-dana')
      .getByTestId('card-lookup-status')
      .and(page.locator('[data-status="pending"]'))
      .waitFor({ timeout: 1000 })
      .catch(() => undefined);
    await card(page, 'call-dana').getByTestId('card-company').waitFor({ timeout: 4000 });
    const name = await card(page, 'call-dana').getByTestId('card-caller-name').textContent();
    if (name !== 'Dana Reyes') {
      throw new Error(`name ${name}`);
    }
  });
  await check('hostile caller ID is shown as text', async () => {
    const text = await card(page, 'call-unknown').getByTestId('card-caller-name').textContent();
    if (text !== '<img src=x onerror=alert(1)>' || (await page.locator('img[src=x]').count()) > 0) {
      throw new Error(`rendered ${text}`);
    }
  });
  await check('ringing cards come first', async () => {
    const ids = await page
      .locator('article.card')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-phase')));
    if (ids.slice(0, 2).join() !== 'ringing,ringing') {
      throw new Error(ids.join());
    }
  });
  await check('javascript: links are dropped', async () => {
    if ((await page.locator('a[href^="javascript"]').count()) > 0) {
      throw new Error('found a javascript: href');
    }
  });
  await check('answered by "you"', async () => {
    const who = await card(page, 'call-patel').getByTestId('card-answered-by').textContent();
    if (who !== 'you') {
      throw new Error(String(who));
    }
  });
  await check('picker: keyboard choice pins and the picker goes away', async () => {
    await card(page, 'call-patel').getByTestId('match-option-k-sam').focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await card(page, 'call-patel').getByTestId('match-picker').waitFor({ state: 'detached', timeout: 3000 });
    const name = await card(page, 'call-patel').getByTestId('card-caller-name').textContent();
    if (name !== 'Sasha Patel') {
      throw new Error(String(name));
    }
  });
  await check('create contact from an unknown caller, prefilled with the number', async () => {
    const c = card(page, 'call-unknown');
    await c.getByTestId('create-contact').click();
    const phone = await c.getByTestId('create-contact-phone').inputValue();
    if (phone !== '+442079460000') {
      throw new Error(`phone ${phone}`);
    }
    await c.getByTestId('create-contact-name').fill('Jo Bloggs');
    await c.getByTestId('create-contact-save').click();
    await c.getByTestId('create-contact-status').waitFor({ timeout: 3000 });
  });
  await check('notes save on an ended card and show as saved', async () => {
    await fetch(`${base}/dev/advance/call-patel`, { method: 'POST' });
    const c = card(page, 'call-patel');
    await c.and(page.locator('[data-phase="ended"]')).waitFor({ timeout: 3000 });
    await c.getByTestId('notes-input').fill('Wants a quote <b>now</b>');
    await c.getByTestId('disposition-select').selectOption('sales-lead');
    await c.getByTestId('notes-save').click();
    await c.locator('[data-testid="notes-status"][data-state="saved"]').waitFor({ timeout: 3000 });
  });
  await check('shortcut n focuses the newest notes field', async () => {
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('n');
    await page.waitForTimeout(100);
    const id = await page.evaluate(() => document.activeElement?.id);
    if (id !== 'notes-call-patel') {
      throw new Error(`focused ${id}`);
    }
    await page.keyboard.press('Escape');
  });
  await check('after a dropped socket the client resumes and gets what it missed', async () => {
    await fetch(`${base}/dev/drop`, { method: 'POST' });
    await page.locator('[data-testid="connection-status"][data-state="live"]').waitFor({ timeout: 5000 });
    await card(page, 'call-unknown').getByTestId('card-urgency').waitFor({ timeout: 3000 });
  });
  await check('a new call appears on top while ringing', async () => {
    const r = (await (await fetch(`${base}/dev/ring`, { method: 'POST' })).json()) as { callId: string };
    await card(page, r.callId).waitFor({ timeout: 3000 });
    const first = await page.locator('article.card').first().getAttribute('data-testid');
    if (first !== `card-${r.callId}`) {
      throw new Error(String(first));
    }
  });
  await check('a notes draft written during the call survives a reload', async () => {
    const r = (await (await fetch(`${base}/dev/ring`, { method: 'POST' })).json()) as { callId: string };
    await fetch(`${base}/dev/advance/${r.callId}`, { method: 'POST' });
    await card(page, r.callId).getByTestId('notes-input').fill('draft while talking');
    await page.reload();
    const value = await card(page, r.callId).getByTestId('notes-input').inputValue({ timeout: 5000 });
    if (value !== 'draft while talking') {
      throw new Error(`after reload: ${JSON.stringify(value)}`);
    }
  });
  await check('a call that ended long ago is one line until opened', async () => {
    const c = card(page, 'call-done');
    if ((await c.getByTestId('notes-input').count()) !== 0) {
      throw new Error('settled card shows its notes form');
    }
    await c.getByTestId('card-expand').click();
    await c.getByTestId('notes-input').waitFor({ timeout: 2000 });
  });
  await check('an ended card can be dismissed from the live page', async () => {
    await card(page, 'call-missed').getByTestId('card-dismiss').click();
    await card(page, 'call-missed').waitFor({ state: 'detached', timeout: 2000 });
  });
  await check('history: missed-only filter and detail with notes', async () => {
    await page.keyboard.press('h');
    await page.getByTestId('history-row').first().waitFor();
    await page.getByTestId('history-missed-only').check();
    await page.waitForTimeout(400);
    const outcomes = await page
      .getByTestId('history-row')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-outcome')));
    if (outcomes.length === 0 || outcomes.some((o) => o !== 'missed')) {
      throw new Error(outcomes.join());
    }
    await page.getByTestId('history-row').first().click();
    await page.getByTestId('history-detail').getByTestId('notes-input').waitFor();
  });
  await check('settings: choose lines and save', async () => {
    await page.getByTestId('nav-settings').click();
    await page.getByTestId('settings-all-lines').uncheck();
    await page.getByTestId('settings-line-line-900').uncheck();
    await page.getByTestId('settings-save').click();
    await page.getByTestId('settings-status').waitFor();
    const me = (await (await fetch(`${base}/api/me`)).json()) as { popLines: string[] | null };
    if (JSON.stringify(me.popLines) !== '["line-101"]') {
      throw new Error(JSON.stringify(me.popLines));
    }
  });
  await check('contacts: edit, then delete in two steps', async () => {
    await page.getByTestId('nav-contacts').click();
    await page.locator('[data-testid="contact-row"][data-contact-id="k-sasha"]').click();
    await page.getByTestId('contact-company').fill('Northwind Traders');
    await page.getByTestId('contact-save').click();
    await page.getByTestId('contact-status').filter({ hasText: 'Saved' }).waitFor({ timeout: 3000 });
    await page.getByTestId('contact-delete').click();
    await page.getByTestId('contact-delete').click();
    await page.locator('[data-contact-id="k-sasha"]').waitFor({ state: 'detached', timeout: 3000 });
  });
  await check('help overlay opens with ? and closes with Escape', async () => {
    await page.keyboard.press('?');
    await page.getByTestId('help-overlay').waitFor({ timeout: 2000 });
    await page.keyboard.press('Escape');
    await page
      .getByTestId('help-overlay')
      .waitFor({ state: 'detached', timeout: 2000 })
      .catch(async () => {
        const active = await page.evaluate(() => document.activeElement?.outerHTML.slice(0, 120));
        throw new Error(`still open; focus on ${active}`);
      });
  });
  await check('two hidden tabs of one agent notify once per ringing call', async () => {
    const ctx = await browser.newContext();
    // A string, not a function: tsx's helpers would not exist inside the page.
    await ctx.addInitScript({
      content: `
        Object.defineProperty(document, 'visibilityState', { get: () => 'hidden' });
        window.__shown = [];
        function FakeNotification(title) { window.__shown.push(title); this.onclick = null; window.__last = this; }
        FakeNotification.permission = 'granted';
        FakeNotification.prototype.close = function () {};
        Object.defineProperty(window, 'Notification', { value: FakeNotification });
      `,
    });
    const tabs = [await ctx.newPage(), await ctx.newPage()];
    for (const tab of tabs) {
      await tab.goto(`${base}/#/live`);
      await tab.locator('[data-testid="connection-status"][data-state="live"]').waitFor();
    }
    const rung = (await (await fetch(`${base}/dev/ring`, { method: 'POST' })).json()) as { callId: string };
    await tabs[0]!.waitForTimeout(1500);
    const counts = await Promise.all(
      tabs.map((t) => t.evaluate(() => (window as unknown as { __shown: string[] }).__shown.length)),
    );
    if (counts[0]! + counts[1]! !== 1) {
      await ctx.close();
      throw new Error(`notifications per tab: ${counts.join(', ')}`);
    }
    // Clicking it focuses that call's card.
    const tab = counts[0] === 1 ? tabs[0]! : tabs[1]!;
    await tab.keyboard.press('h');
    await tab.evaluate(() => (window as unknown as { __last: { onclick: () => void } }).__last.onclick());
    await tab.waitForTimeout(300);
    const focused = await tab.evaluate(() => document.activeElement?.getAttribute('data-testid'));
    await ctx.close();
    if (focused !== `card-${rung.callId}`) {
      throw new Error(`notification click focused ${focused}`);
    }
  });
} finally {
  await browser.close();
}
if (failures.length > 0) {
  console.error(`${failures.length} failed`);
  process.exitCode = 1;
}
