/**
 * The portal's whole story in Debian's Chromium, against the built server on a fresh
 * SQLite file: a partner invites, the customer's admin accepts, the partner registers a
 * real device file from ../shared/corpus, the devices get the Microsoft Managed Desktop
 * profile, a file with errors shows them on their lines, the customer revokes and the
 * partner's next upload is refused. Controls are found by the roles and names that
 * docs/portal.md lists. Screenshots land in test-results/screenshots/.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Download, Locator, Page } from 'playwright-core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { checkCsv } from '../../src/csv/index.js';
import {
  corpusCsvDir,
  createOrganisation,
  createUser,
  freshInstallation,
  launchChromium,
  newPersonContext,
  PageErrors,
  screenshot,
  screenshotDir,
  startPortalServer,
  tableRows,
  waitForText,
  type PortalServer,
  type SeededUser,
} from './kit.js';

/** Two Hyper-V machines exported by Get-WindowsAutopilotInfo: valid, with real hashes. */
const validFile = path.join(
  corpusCsvDir,
  'intune-3col-ascii-crlf-2rows-no-final-newline-hyperv.csv',
);
const validSerials = ['5630-7897-6741-9919-3275-7596-73', '6817-1196-5517-5371-0407-0924-11'];
/** A Partner Center template with its explanations left in: errors on known lines and columns. */
const fileWithErrors = path.join(
  corpusCsvDir,
  'partner-center-style-template-utf8bom-lf-6fields-explanations-via-cipp.csv',
);

const managedDesktopTag = 'Microsoft365Managed_Autopilot';
const managedDesktopProfile = 'Microsoft Managed Desktop';
const managedDesktopPattern = new RegExp(managedDesktopProfile);

const phone = { width: 390, height: 844 };
const laptop = { width: 1366, height: 900 };

let server: PortalServer | undefined;
let browser: Browser | undefined;
const openContexts: BrowserContext[] = [];
/** Data folders of this test, removed even when the server never started. */
const dataDirs: string[] = [];

// Screenshots of an earlier run would be mistaken for this one's.
beforeAll(() => {
  fs.rmSync(screenshotDir, { recursive: true, force: true });
});

afterEach(async () => {
  try {
    for (const context of openContexts.splice(0)) {
      await context.close().catch(() => undefined);
    }
    await browser?.close();
  } finally {
    browser = undefined;
    const running = server;
    server = undefined;
    try {
      await running?.stop();
    } finally {
      for (const dir of dataDirs.splice(0)) {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    }
  }
});

/**
 * Runs one named step; when it fails, every open page is photographed as
 * `failed-<step>-<who>` and the error names the step.
 */
async function step<T>(
  name: string,
  pages: Record<string, Page>,
  work: () => Promise<T>,
): Promise<T> {
  try {
    return await work();
  } catch (error) {
    for (const [who, page] of Object.entries(pages)) {
      await screenshot(page, `failed-${name}-${who}`).catch(() => undefined);
      await page
        .content()
        .then((html) =>
          fs.writeFileSync(path.join(screenshotDir, `failed-${name}-${who}.html`), html),
        )
        .catch(() => undefined);
    }
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`step "${name}" failed: ${reason}`, { cause: error });
  }
}

async function openPage(context: BrowserContext, errors: PageErrors, who: string): Promise<Page> {
  return errors.watch(await context.newPage(), who);
}

/**
 * Follows the navigation landmark's link to one of the organisation's pages; on a phone
 * the links sit behind the "Menu" button.
 */
async function navigateTo(page: Page, link: string, heading: string | RegExp): Promise<void> {
  const navigation = page.getByRole('navigation', { name: 'Main navigation' });
  await navigation.waitFor();
  const target = navigation.getByRole('link', { name: link, exact: true });
  const menu = navigation.getByRole('button', { name: 'Menu' });
  if (!(await target.isVisible()) && (await menu.isVisible())) {
    await menu.click();
  }
  await target.click();
  await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
}

async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.goto('/portal/sign-in');
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** First sign-in with the one-time password: the portal insists on a new one first. */
async function firstSignIn(page: Page, user: SeededUser, newPassword: string): Promise<void> {
  await signIn(page, user.email, user.oneTimePassword);
  await replaceOneTimePassword(page, user, newPassword);
}

async function replaceOneTimePassword(
  page: Page,
  user: SeededUser,
  newPassword: string,
): Promise<void> {
  await page.getByRole('heading', { name: 'Change your password' }).waitFor();
  await page.getByLabel('Current password').fill(user.oneTimePassword);
  await page.getByLabel('New password', { exact: true }).fill(newPassword);
  await page.getByLabel('Confirm new password').fill(newPassword);
  await page.getByRole('button', { name: 'Change password' }).click();
  await page.getByRole('heading', { name: 'Change your password' }).waitFor({ state: 'detached' });
  await page.getByRole('navigation', { name: 'Main navigation' }).waitFor();
}

async function chooseGroupName(page: Page, groupName: string): Promise<void> {
  const groupNameField = page.getByRole('combobox', { name: 'Group name' });
  await groupNameField.fill(groupName);
  // The suggestion list must not stay open over the drop zone.
  await groupNameField.press('Escape');
}

/**
 * Chooses the device file and waits for the dry run made with this group name: the page
 * previews again once the typed name settles, and an earlier answer would be replaced.
 */
async function chooseDeviceFile(page: Page, file: string, groupName: string): Promise<void> {
  const previewed = page.waitForResponse((response) => {
    const url = new URL(response.url());
    return url.pathname.endsWith('/preview') && url.searchParams.get('groupTag') === groupName;
  });
  await page.getByLabel('Device file').setInputFiles(file);
  await previewed;
}

async function downloadText(download: Download): Promise<string> {
  const file = await download.path();
  return fs.readFileSync(file, 'utf8');
}

/** The cells of the first row of `table` that mentions `text` (once it also shows `andShows`). */
async function rowMentioning(table: Locator, text: string, andShows?: RegExp): Promise<string[]> {
  const mentioning = table.getByRole('row').filter({ hasText: text });
  const row = (andShows ? mentioning.filter({ hasText: andShows }) : mentioning).first();
  await row.waitFor();
  return (await row.getByRole('cell').allInnerTexts()).map((cell) => cell.trim());
}

/** A device row shows the Managed Desktop profile and an assigned (not "not assigned") status. */
function expectManagedDesktopAssigned(row: readonly string[]): void {
  const line = row.join(' | ');
  expect(line).toContain(managedDesktopProfile);
  expect(line).toMatch(/assigned/i);
  expect(line).not.toMatch(/not\s*assigned|pending|failed/i);
}

describe('the portal in Debian’s Chromium', () => {
  it('partner invites, customer accepts, partner registers a real file, customer revokes, partner is refused', async () => {
    const installation = await freshInstallation();
    dataDirs.push(installation.dataDir);
    const { env } = installation;
    createOrganisation(env, { kind: 'partner', name: 'Fabrikam' });
    const contoso = createOrganisation(env, {
      kind: 'customer',
      name: 'Contoso',
      domain: 'contoso.onmicrosoft.com',
    });
    const partnerAdmin = createUser(env, {
      org: 'Fabrikam',
      email: 'admin@fabrikam.example',
      role: 'admin',
    });
    const customerAdmin = createUser(env, {
      org: 'Contoso',
      email: 'admin@contoso.example',
      role: 'admin',
    });
    server = await startPortalServer(installation);
    browser = await launchChromium();

    const errors = new PageErrors();
    const partnerContext = await newPersonContext(browser, server.url);
    const customerContext = await newPersonContext(browser, server.url);
    openContexts.push(partnerContext, customerContext);
    await partnerContext.grantPermissions(['clipboard-read', 'clipboard-write'], {
      origin: server.url,
    });
    const partner = await openPage(partnerContext, errors, 'partner');
    const customer = await openPage(customerContext, errors, 'customer');
    const pages = { partner, customer };

    await step('sign-in-wrong-password', pages, async () => {
      await signIn(partner, partnerAdmin.email, 'not the password at all');
      const refusal = await waitForText(partner.getByRole('alert'), /wrong/i);
      expect(refusal).toMatch(/e-mail address or the password/i);
      await partner.getByRole('heading', { name: 'Sign in' }).waitFor();
      await screenshot(partner, '01-sign-in-wrong-password');
    });

    await step('partner-first-sign-in', pages, async () => {
      await signIn(partner, partnerAdmin.email, partnerAdmin.oneTimePassword);
      await partner.getByRole('heading', { name: 'Change your password' }).waitFor();
      await screenshot(partner, '02-change-password');
      await replaceOneTimePassword(partner, partnerAdmin, 'Fabrikam partner 2026!');
    });

    const invitationLink = await step('partner-invites', pages, async () => {
      await navigateTo(partner, 'Relationships', 'Relationships');
      await partner.getByRole('button', { name: 'Invite a customer' }).click();
      const dialog = partner.getByRole('dialog');
      await dialog.getByLabel('Customer domain or name').fill('contoso.onmicrosoft.com');
      await dialog.getByRole('button', { name: 'Create invitation' }).click();
      const linkField = partner.getByRole('textbox', { name: 'Invitation link' });
      await linkField.waitFor();
      expect(await linkField.getAttribute('readonly')).not.toBeNull();
      const shown = await linkField.inputValue();
      expect(shown).toMatch(new RegExp(`^${server!.url}/portal/invitations/\\S+$`));
      await partner.getByRole('button', { name: 'Copy link' }).click();
      const copied = await partner.evaluate<string>('navigator.clipboard.readText()');
      expect(copied).toBe(shown);
      await screenshot(partner, '03-partner-invitation-created');
      // Keyboard users close dialogs with Escape; the page must come back to them whole.
      await partner.keyboard.press('Escape');
      await dialog.waitFor({ state: 'detached' });
      // Fluent gives the page back to assistive technology a moment after the dialog goes.
      await expect.poll(() => partner.locator('#root').getAttribute('aria-hidden')).toBeNull();
      await partner
        .getByRole('table', { name: 'Relationships' })
        .getByRole('row', { name: /Contoso/ })
        .waitFor();
      return copied;
    });

    await step('customer-accepts', pages, async () => {
      await firstSignIn(customer, customerAdmin, 'Contoso customer 2026!');
      await customer.goto(invitationLink);
      await customer.getByRole('heading', { name: /Invitation from Fabrikam/ }).waitFor();
      const allowed = customer.getByRole('list', { name: 'What you allow' });
      const grants = await allowed.getByRole('listitem').allInnerTexts();
      // All three permissions by default, each said in plain words.
      expect(grants).toHaveLength(3);
      expect(grants.join('\n')).toMatch(/register/i);
      await screenshot(customer, '04-customer-invitation');
      await customer.getByRole('button', { name: 'Accept' }).click();
      await customer.getByRole('status', { name: 'Accepted' }).waitFor();
      await customer.getByRole('button', { name: 'Accept' }).waitFor({ state: 'detached' });
      await screenshot(customer, '04b-customer-invitation-accepted');
    });

    const customerPath = await step('partner-opens-customer', pages, async () => {
      await navigateTo(partner, 'Customers', 'Customers');
      const customers = partner.getByRole('table', { name: 'Customers' });
      await customers.getByRole('link', { name: 'Contoso' }).waitFor();
      await partner
        .getByRole('searchbox', { name: 'Search customers' })
        .or(partner.getByRole('textbox', { name: 'Search customers' }))
        .waitFor();
      await screenshot(partner, '05-partner-customers');
      await customers.getByRole('link', { name: 'Contoso' }).click();
      await partner.getByRole('heading', { name: 'Contoso', level: 1 }).waitFor();
      expect(partner.url()).toContain(`/portal/customers/${contoso.id}`);
      await partner.getByRole('tab', { name: 'Devices' }).waitFor();
      await partner.getByRole('tab', { name: 'Batches' }).waitFor();
      return new URL(partner.url()).pathname;
    });

    await step('partner-sample-csv', pages, async () => {
      const sampleLink = partner.getByRole('link', { name: 'Download sample CSV' });
      const [download] = await Promise.all([partner.waitForEvent('download'), sampleLink.click()]);
      expect(await downloadText(download)).toMatch(/Device Serial Number/i);
    });

    await step('partner-near-miss-tag', pages, async () => {
      await partner.getByRole('button', { name: 'Add devices' }).first().click();
      await partner.getByRole('heading', { name: 'Add devices', level: 1 }).waitFor();
      await partner.getByRole('link', { name: 'Download sample CSV' }).waitFor();
      await chooseGroupName(partner, 'microsoft365managed_autopilot');
      // The warning names the exact tag the rule expects, not the one typed.
      const warning = await waitForText(
        partner.getByText(/did you mean|no profile|nearly|not match/i),
        new RegExp(managedDesktopTag),
      );
      expect(warning).toContain(`${managedDesktopTag}`);
      await screenshot(partner, '06-add-devices-near-miss');
    });

    await step('partner-previews-valid-file', pages, async () => {
      // A space typed after the tag is kept, never trimmed away: the preview says these
      // devices would get no profile, and names the tag that was meant.
      await chooseGroupName(partner, `${managedDesktopTag} `);
      await chooseDeviceFile(partner, validFile, `${managedDesktopTag} `);
      const nearMiss = await waitForText(
        partner.getByRole('region', { name: 'Preview' }),
        /receive NO deployment profile/,
      );
      expect(nearMiss).toContain(`"${managedDesktopTag}"`);
      await chooseGroupName(partner, managedDesktopTag);
      await chooseDeviceFile(partner, validFile, managedDesktopTag);
      const preview = partner.getByRole('region', { name: 'Preview' });
      const rows = preview.getByRole('table', { name: 'Rows' });
      for (const serial of validSerials) {
        // The preview follows the group name too; wait for the one that has it.
        const row = await rowMentioning(rows, serial, managedDesktopPattern);
        expect(row.join(' | ')).toContain(managedDesktopTag);
      }
      expect(await tableRows(preview.getByRole('table', { name: 'Problems' }))).toEqual([]);
      await screenshot(partner, '07-add-devices-preview');
    });

    const batchPath = await step('partner-registers', pages, async () => {
      await partner.getByRole('button', { name: 'Register devices' }).click();
      await partner.getByRole('heading', { name: 'Batch', level: 1 }).waitFor();
      const progress = partner.getByRole('progressbar', { name: 'Batch progress' });
      await progress.waitFor();
      // The page follows the worker by itself, without a reload, until the bar is full.
      await expect
        .poll(
          async () => {
            const [now, max] = await Promise.all([
              progress.getAttribute('aria-valuenow'),
              progress.getAttribute('aria-valuemax'),
            ]);
            return now !== null && now === max;
          },
          { timeout: 60_000 },
        )
        .toBe(true);
      const results = partner.getByRole('table', { name: 'Results' });
      for (const serial of validSerials) {
        const row = await rowMentioning(results, serial, /Registered/);
        expect(row.join(' | ')).toContain(managedDesktopProfile);
      }
      await screenshot(partner, '08-batch-finished');
      const [download] = await Promise.all([
        partner.waitForEvent('download'),
        partner.getByRole('link', { name: 'Download results (CSV)' }).click(),
      ]);
      const resultsCsv = await downloadText(download);
      for (const serial of validSerials) {
        expect(resultsCsv).toContain(serial);
      }
      return new URL(partner.url()).pathname;
    });

    await step('partner-sees-devices', pages, async () => {
      await partner.goto(customerPath);
      await partner.getByRole('heading', { name: 'Contoso', level: 1 }).waitFor();
      await partner.getByRole('tab', { name: 'Devices' }).click();
      const devices = partner.getByRole('table', { name: 'Devices' });
      for (const serial of validSerials) {
        expectManagedDesktopAssigned(await rowMentioning(devices, serial, managedDesktopPattern));
      }
      await partner.getByLabel('Serial number').waitFor();
      await partner.getByLabel('Group tag').waitFor();
      await partner.getByLabel('Profile status').waitFor();
      await screenshot(partner, '09-partner-customer-devices');
    });

    await step('customer-sees-devices', pages, async () => {
      await navigateTo(customer, 'Devices', 'Devices');
      const devices = customer.getByRole('table', { name: 'Devices' });
      await devices.getByRole('columnheader', { name: 'Registered by' }).waitFor();
      for (const serial of validSerials) {
        const row = await rowMentioning(devices, serial, managedDesktopPattern);
        expectManagedDesktopAssigned(row);
        expect(row.join(' | ')).toContain('Fabrikam');
        expect(row.join(' | ')).toContain(managedDesktopTag);
      }
      await screenshot(customer, '10-customer-devices');
    });

    await step('customer-dashboard', pages, async () => {
      await navigateTo(customer, 'Dashboard', 'Dashboard');
      const chart = customer.getByLabel('Devices by profile status');
      await chart.locator('svg').first().waitFor();
      // Bars are drawn as paths (grid and axes are lines): two devices show as something.
      await chart.locator('svg path').filter({ visible: true }).first().waitFor();
      await customer
        .getByLabel('Registrations over the last 30 days')
        .locator('svg')
        .first()
        .waitFor();
      await screenshot(customer, '11-customer-dashboard');
    });

    await step('customer-profiles', pages, async () => {
      await navigateTo(customer, 'Deployment profiles', 'Deployment profiles');
      const profiles = customer.getByRole('table', { name: 'Profiles' });
      await rowMentioning(profiles, managedDesktopProfile);
      await customer.getByRole('button', { name: 'New profile' }).waitFor();
      await customer.getByRole('button', { name: 'Add rule' }).waitFor();
      await screenshot(customer, '12-customer-profiles');
    });

    await step('customer-audit', pages, async () => {
      await navigateTo(customer, 'Audit log', 'Audit log');
      const audit = customer.getByRole('table', { name: 'Audit log' });
      await audit
        .getByRole('row')
        .filter({ hasText: /accept/i })
        .first()
        .waitFor();
      await screenshot(customer, '13-customer-audit');
    });

    await step('partner-file-with-errors', pages, async () => {
      const expected = await checkCsv(fs.readFileSync(fileWithErrors));
      expect(expected.ok).toBe(false);
      await partner.goto(`${customerPath}/add-devices`);
      await partner.getByRole('heading', { name: 'Add devices', level: 1 }).waitFor();
      await chooseGroupName(partner, managedDesktopTag);
      await chooseDeviceFile(partner, fileWithErrors, managedDesktopTag);
      const problems = partner
        .getByRole('region', { name: 'Preview' })
        .getByRole('table', { name: 'Problems' });
      await problems
        .getByRole('row')
        .filter({ hasText: expected.issues[0]!.message })
        .first()
        .waitFor();
      const shown = await tableRows(problems);
      for (const issue of expected.issues) {
        // Whole-line issues have no column; the page may show the cell blank or with a dash.
        const onItsLine = shown.filter(
          (cells) =>
            cells[0] === String(issue.line) &&
            (issue.column === null || cells[1] === issue.column) &&
            cells.some((cell) => cell.includes(issue.message)),
        );
        expect(
          onItsLine,
          `${issue.code} on line ${issue.line}, column ${issue.column ?? '(whole line)'}; the table shows ${JSON.stringify(shown)}`,
        ).toHaveLength(1);
        expect(onItsLine[0]!.join(' ')).toContain(issue.hint);
      }
      // The truncated hash of the template's fourth line, found where an editor shows it.
      expect(shown.some((cells) => cells[0] === '4' && cells[1] === 'Hardware hash')).toBe(true);
      await screenshot(partner, '14-add-devices-preview-errors');
    });

    await step('customer-revokes', pages, async () => {
      await navigateTo(customer, 'Relationships', 'Relationships');
      const relationships = customer.getByRole('table', { name: 'Relationships' });
      const fabrikam = relationships.getByRole('row').filter({ hasText: 'Fabrikam' });
      await fabrikam.getByRole('button', { name: 'Revoke' }).click();
      await customer.getByRole('dialog').getByRole('button', { name: 'Revoke access' }).click();
      await relationships
        .getByRole('row')
        .filter({ hasText: 'Fabrikam' })
        .filter({ hasText: /revoked/i })
        .waitFor();
      await screenshot(customer, '15-customer-relationships-revoked');
    });

    await step('partner-upload-refused', pages, async () => {
      await partner.goto(`${customerPath}/add-devices`);
      await partner.getByRole('heading', { name: 'Add devices', level: 1 }).waitFor();
      await chooseGroupName(partner, managedDesktopTag);
      const previewed = partner.waitForResponse((response) =>
        response.url().includes(`/portal/api/customers/${contoso.id}/preview`),
      );
      await partner.getByLabel('Device file').setInputFiles(validFile);
      await previewed;
      // With a file chosen the button would be live; revoked access keeps it disabled and
      // says why (the server refuses a registration anyway: registrar.routes tests).
      const warning = await waitForText(partner.getByText(/revoked your access/), /revoked/);
      expect(warning).toContain('Contoso');
      await partner.getByText('You cannot register devices for this customer').waitFor();
      expect(await partner.getByRole('button', { name: 'Register devices' }).isDisabled()).toBe(
        true,
      );
      expect(new URL(partner.url()).pathname).toBe(`${customerPath}/add-devices`);
      await screenshot(partner, '16-partner-upload-refused');
    });

    await step('phone-size', pages, async () => {
      await customer.setViewportSize(phone);
      await customer
        .getByRole('navigation', { name: 'Main navigation' })
        .getByRole('button', { name: 'Menu' })
        .click();
      await screenshot(customer, '17-phone-customer-menu');
      await navigateTo(customer, 'Dashboard', 'Dashboard');
      await customer.getByLabel('Devices by profile status').locator('svg').first().waitFor();
      await screenshot(customer, '18-phone-customer-dashboard');
      await partner.setViewportSize(phone);
      await partner.goto(batchPath);
      await partner.getByRole('heading', { name: 'Batch', level: 1 }).waitFor();
      await rowMentioning(partner.getByRole('table', { name: 'Results' }), validSerials[0]!);
      await screenshot(partner, '19-phone-partner-batch');
      await customer.setViewportSize(laptop);
      await partner.setViewportSize(laptop);
    });

    errors.assertNone();
  }, 300_000);

  it('first start on an empty database prints a one-time setup link that creates the first operator', async () => {
    const installation = await freshInstallation();
    dataDirs.push(installation.dataDir);
    server = await startPortalServer(installation);
    const [setupLink] = await server.waitForOutput(
      /https?:\/\/[^\s"']+\/portal\/setup#token=[\w.~-]+/,
    );
    expect(setupLink.startsWith(`${server.url}/portal/setup#token=`)).toBe(true);

    browser = await launchChromium();
    const errors = new PageErrors();
    const context = await newPersonContext(browser, server.url);
    openContexts.push(context);
    const page = await openPage(context, errors, 'operator');
    const pages = { operator: page };

    await step('setup', pages, async () => {
      await page.goto(setupLink);
      await page.getByRole('heading', { name: 'Create the first operator' }).waitFor();
      await screenshot(page, '20-setup');
      await page.getByLabel('E-mail').fill('operator@preflight.example');
      await page.getByLabel('Password', { exact: true }).fill('Operator password 2026!');
      await page.getByLabel('Confirm password').fill('Operator password 2026!');
      await page.getByRole('button', { name: 'Create operator' }).click();
      await page.getByRole('heading', { name: 'Organisations', level: 1 }).waitFor();
      await page.getByRole('button', { name: 'New organisation' }).waitFor();
      await screenshot(page, '21-operator-organisations');
    });

    await step('setup-link-used', pages, async () => {
      // Someone else opening the same link later cannot become an operator.
      const stranger = await newPersonContext(browser!, server!.url);
      openContexts.push(stranger);
      const strangerPage = await openPage(stranger, errors, 'stranger');
      await strangerPage.goto(setupLink);
      const createButton = strangerPage.getByRole('button', { name: 'Create operator' });
      const refusal = strangerPage.getByRole('alert');
      await refusal.or(createButton).first().waitFor();
      if (await createButton.isVisible()) {
        await strangerPage.getByLabel('E-mail').fill('intruder@preflight.example');
        await strangerPage.getByLabel('Password', { exact: true }).fill('Intruder password 2026!');
        await strangerPage.getByLabel('Confirm password').fill('Intruder password 2026!');
        await createButton.click();
      }
      await waitForText(refusal, /link/i);
      expect(await strangerPage.getByRole('heading', { name: 'Organisations' }).count()).toBe(0);
      await screenshot(strangerPage, '22-setup-link-used');
    });

    errors.assertNone();
  }, 120_000);
});
