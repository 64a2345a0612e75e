// Record keeping end to end: the audit log under Settings (supervisors only) and a call's earlier notes.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import {
  USERS,
  browserSkipReason,
  knownCaller,
  launchBrowser,
  placeCall,
  signInInBrowser,
  startStack,
  waitForAsync,
  type Stack,
} from './harness.ts';

const skip = browserSkipReason();

describe('audit log in the browser', { skip: skip ?? false }, () => {
  let stack: Stack;
  let browser: Browser;

  before(async () => {
    stack = await startStack({ SCREENPOP_SUPERVISORS: USERS.priya });
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await stack?.close();
  });

  test('a supervisor sees who changed a contact under Settings; an agent sees no audit log', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await signInInBrowser(page, stack, USERS.priya);
    const status = await page.evaluate(async () => {
      const res = await fetch('/api/contacts', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'Audited Caller' }),
      });
      return res.status;
    });
    assert.equal(status, 201);
    await page.goto(`${stack.url}/#/settings`);
    const entry = page.getByTestId('audit-entry').filter({ hasText: 'created contact' });
    await entry.first().waitFor();
    assert.match(
      (await entry.first().textContent()) ?? '',
      /priya\.castellano.*created contact \d+ \(Audited Caller\)/,
    );
    assert.equal(await page.getByTestId('audit-csv').getAttribute('href'), '/api/audit.csv?limit=10000');
    await context.close();

    const agentContext = await browser.newContext();
    const agentPage = await agentContext.newPage();
    await signInInBrowser(agentPage, stack, USERS.marcus);
    await agentPage.goto(`${stack.url}/#/settings`);
    await agentPage.getByTestId('settings-save').waitFor();
    assert.equal(await agentPage.getByTestId('audit-log').count(), 0);
    await agentContext.close();
  });

  test('a call’s earlier notes stay readable in its history detail after they are overwritten', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await signInInBrowser(page, stack, USERS.priya);
    const caller = await knownCaller(stack, 'demo-7');
    const callId = await placeCall(stack, {
      scenario: 'answered',
      from: caller.e164,
      to: '2101',
      answerAfterMs: 200,
      talkMs: 300,
    });
    const save = (notes: string) =>
      page.evaluate(
        async ([id, text]) =>
          (
            await fetch(`/api/calls/${encodeURIComponent(id)}/notes`, {
              method: 'PUT',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({ notes: text, disposition: null }),
            })
          ).status,
        [callId, notes] as const,
      );
    await waitForAsync('the call in the call log', async () => (await save('first words')) === 200, 20_000);
    assert.equal(await save('second thoughts'), 200);
    await page.goto(`${stack.url}/#/history/${encodeURIComponent(callId)}`);
    await page.getByTestId('note-revisions').locator('summary').click();
    const earlier = page.getByTestId('note-revision');
    await earlier.first().waitFor();
    assert.equal(await earlier.count(), 1);
    assert.match((await earlier.first().textContent()) ?? '', /priya\.castellano.*: first words/);
    await context.close();
  });
});
