// The README's pictures, from a curated demo state: the demo's call history (returning callers, real notes) and a
// few live calls — a repeat caller ringing, a queue call answered by a colleague.
// UPDATE_SCREENSHOTS=1 writes them to docs/screenshots/; other runs write test-output/readme-screens/ to compare.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Locator, Page } from 'playwright-core';
import {
  QUEUE_DID,
  USERS,
  browserSkipReason,
  launchBrowser,
  placeCall,
  signInInBrowser,
  startStack,
  type Stack,
} from './harness.ts';
import { knownNumber } from '../../src/app/demo-contacts.ts';
import { REPEAT_CALLER } from '../../src/app/demo-history.ts';

const OUT = process.env.UPDATE_SCREENSHOTS === '1' ? 'docs/screenshots' : 'test-output/readme-screens';
const MARCUS_EXT = '2102';
const HELENA_EXT = '2103';
const TEN_MINUTES = 600_000;
const skip = browserSkipReason();

describe('README screenshots from the curated demo state', { skip: skip ?? false }, () => {
  let stack: Stack;
  let browser: Browser;
  let page: Page;
  const dialogs: string[] = [];
  const card = (callId: string): Locator => page.getByTestId(`card-${callId}`);

  before(async () => {
    stack = await startStack();
    browser = await launchBrowser();
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
    page = await context.newPage();
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await signInInBrowser(page, stack, USERS.marcus);
  });

  after(async () => {
    await browser?.close();
    await stack?.close();
  });

  test('live cards: a repeat caller ringing, a queue call a colleague took', async () => {
    // Harbor Fitness (Gold, missed yesterday) through the main number's dial plan; Helena answers.
    const queueCall = await placeCall(stack, {
      scenario: 'answered',
      from: knownNumber(26),
      callerName: 'HARBOR FITNESS',
      to: QUEUE_DID,
      answeredBy: HELENA_EXT,
      answerAfterMs: 1_000,
      talkMs: TEN_MINUTES,
    });
    await card(queueCall).and(page.locator('[data-phase="connected"]')).waitFor({ timeout: 30_000 });
    // Oak Brook Realty calls a third time within the hour: urgent, with the last call and its notes.
    const repeat = await placeCall(stack, {
      scenario: 'missed',
      from: REPEAT_CALLER.number,
      callerName: REPEAT_CALLER.callerId,
      to: MARCUS_EXT,
      answerAfterMs: TEN_MINUTES,
    });
    await card(repeat).getByTestId('card-last-notes').filter({ hasText: 'inlet valve' }).waitFor();
    assert.match((await card(repeat).getByTestId('card-urgency').textContent()) ?? '', /3rd call/);
    assert.match((await card(queueCall).getByTestId('card-answered-by').textContent()) ?? '', /Helena/);
    await page.mouse.move(0, 0);
    await page.screenshot({ path: `${OUT}/cards.png` });
  });

  test('history: the demo’s calls with their notes', async () => {
    await page.getByTestId('nav-history').click();
    await page.getByTestId('history-row').filter({ hasText: 'inlet valve' }).waitFor();
    const text = (await page.getByTestId('history-row').allTextContents()).join('\n');
    assert.doesNotMatch(text, /<img|onerror|\d{12,}/, 'no test leftovers in the history');
    await page.screenshot({ path: `${OUT}/history.png` });
  });

  test('contacts and settings', async () => {
    await page.getByTestId('nav-contacts').click();
    await page.getByTestId('contact-row').first().waitFor();
    await page.screenshot({ path: `${OUT}/contacts.png` });
    await page.getByTestId('nav-settings').click();
    await page.getByTestId('settings-all-lines').waitFor();
    await page.screenshot({ path: `${OUT}/settings.png` });
    assert.deepEqual(dialogs, []);
  });
});
