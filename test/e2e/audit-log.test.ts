// The audit log end to end: a supervisor's change lands in the log, shown under Settings; agents do not see it.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import {
  USERS,
  browserSkipReason,
  launchBrowser,
  signInInBrowser,
  startStack,
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
});
