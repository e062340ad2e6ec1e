/**
 * Guessing passwords in the browser: once the login lockout answers 429 with Retry-After, the sign-in
 * form says so, and says when the next attempt will be accepted (issue 13). The CLI's message for the
 * same lockout is tested in test/cli/cli.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { ApiClient } from '../support/server.js';
import { useUiSession } from './support.js';

// A long first lock, so the lockout outlasts the test on a slow machine.
const ui = useUiSession({ env: { PHAROS_LOGIN_LOCK_SECONDS: '120' } });

describe('the sign-in form under the login lockout', () => {
  it('shows the 429 message with the time to try again, and keeps refusing the right password', async () => {
    const username = `ui${Math.random().toString(36).slice(2, 9)}`;
    await ApiClient.register(ui.server.url, username);
    const { page } = ui;
    await page.goto(ui.server.url);
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Password').fill('not the password');
    const submit = page.getByRole('button', { name: 'Sign in', exact: true });

    let retryAfter: string | undefined;
    for (let attempt = 1; attempt <= 10 && !retryAfter; attempt += 1) {
      const [response] = await Promise.all([
        page.waitForResponse((r) => r.url().endsWith('/auth/login')),
        submit.click(),
      ]);
      if (response.status() === 429) retryAfter = response.headers()['retry-after'];
      else expect(response.status()).toBe(401);
      await submit.waitFor({ state: 'visible' }); // the form is ready again (not "Please wait…")
    }
    expect(retryAfter).toMatch(/^\d+$/);
    const alert = page.getByRole('alert');
    await expect
      .poll(() => alert.textContent())
      .toMatch(
        new RegExp(
          `^too many failed attempts for this username; try again in ${retryAfter} s \\(at \\d{1,2}:\\d{2}:\\d{2}.*\\)\\.$`,
        ),
      );
    // The lockout holds for the right password too; the form still says when to come back.
    await page.getByLabel('Password').fill('correct horse battery');
    const [locked] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/auth/login')),
      submit.click(),
    ]);
    expect(locked.status()).toBe(429);
    await expect.poll(() => alert.textContent()).toMatch(/try again in \d+ s \(at /);
    expect(await page.getByTestId('username').count()).toBe(0);
    expect(ui.watch.unexpected([/status of 40[19]/, /status of 429/])).toEqual([]);
  });
});
