// The workspace for browser tests: a real OpenID Connect provider in-process with named users, the
// web server on a free loopback port over the file's Temporal client, and Chromium driven by
// playwright-core (Debian's binary, flags as in TECH-NOTES). Screenshots go to test-output/web/,
// which git ignores.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import AxeBuilder from '@axe-core/playwright';
import { expect } from 'vitest';
import type { Client } from '@temporalio/client';
import { freePort } from '../../infra/ports';
import { startDevIdentityProvider, type DevIdentityProvider, type DevUser } from '../../web/dev-identity-provider';
import { startWebServer, type WebServer } from '../../web/server';
import type { WebConfig } from '../../web/config';
import { createWebApp } from '../../web/app';
import { OidcSignIn } from '../../web/oidc';
import { DossierClient } from '../../client/api';
import { CampaignClient } from '../../client/campaign-api';
import type { DossierTestEnv } from './harness';
import { patientPolicy, testCampaign, testVendor } from './fixtures';
import { until } from './until';
import { TEST_SESSION_SECRET } from './web-session';

export const SCREENSHOTS_DIR = join(__dirname, '..', '..', 'test-output', 'web');

export interface Workspace {
  url: string;
  idp: DevIdentityProvider;
  web: WebServer;
  /** The workspace's settings: the case mailbox (a Maildir under scratch), the store and keys the worker uses. */
  env: NodeJS.ProcessEnv;
  stop(): Promise<void>;
}

/** A free port for the workspace, known before the worker starts (its emails link to the workspace). */
export async function workspaceUrl(): Promise<string> {
  return `http://127.0.0.1:${await freePort()}`;
}

/** The workspace's settings at `url`, signing in at the development provider `idp`. */
export function workspaceConfig(url: string, idp: DevIdentityProvider): WebConfig {
  return {
    host: '127.0.0.1',
    port: Number(new URL(url).port),
    publicUrl: url,
    issuer: idp.issuer,
    clientId: idp.clientId,
    clientSecret: idp.clientSecret,
    rolesClaim: 'dossier_roles',
    sessionSecret: TEST_SESSION_SECRET,
    sessionHours: 1,
  };
}

/** Dossier's sign-in at the development provider `idp` for a workspace at `url`. */
export function oidcSignInAt(idp: DevIdentityProvider, url: string): OidcSignIn {
  return new OidcSignIn({ issuer: idp.issuer, clientId: idp.clientId, clientSecret: idp.clientSecret, redirectUri: `${url}/auth/callback`, rolesClaim: 'dossier_roles' });
}

/**
 * A workspace at `url` that reads no case (its Temporal client a stand-in), signing in at `idp`, its
 * sign-outs kept in memory: the tests of signing in and out alone. `config` changes its settings.
 */
export function signInOnlyApp(url: string, idp: DevIdentityProvider, config: Partial<WebConfig> = {}): ReturnType<typeof createWebApp> {
  const revoked = new Set<string>();
  return createWebApp({
    config: { ...workspaceConfig(url, idp), ...config },
    signIn: oidcSignInAt(idp, url),
    dossier: async () => ({ findCampaigns: async () => [] }) as never,
    campaigns: async () => ({}) as never,
    revokedSessions: () => ({ revoke: async (id: string) => void revoked.add(id), isRevoked: async (id: string) => revoked.has(id) }),
  });
}

/** `client`: the Temporal client the workspace sends through (one with interceptors, to land a request between two of its own); the harness's by default. */
export async function startWorkspace(env: DossierTestEnv, url: string, users: DevUser[], options: { boardPageSize?: number; client?: Client } = {}): Promise<Workspace> {
  const idp = await startDevIdentityProvider({ users, redirectUris: [`${url}/auth/callback`] });
  const settings: NodeJS.ProcessEnv = {
    ...env.childEnv,
    DOSSIER_STATE_DIR: env.config.stateDir,
    DOSSIER_MAILDIR: join(env.scratch, 'mailbox'),
    MAIL_FROM: env.config.mailFrom,
  };
  const web = await startWebServer({
    config: workspaceConfig(url, idp),
    client: async () => options.client ?? env.client,
    taskQueue: env.taskQueue,
    address: 'test',
    env: settings,
    boardPageSize: options.boardPageSize,
  });
  return {
    url,
    idp,
    web,
    env: settings,
    async stop() {
      await web.stop();
      await idp.stop();
    },
  };
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--headless',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/**
 * A campaign of `vendorIds` started on the test's worker, once every letter is out (each engagement
 * awaits its response, and the board lists them all); reminders are weeks away.
 */
export async function campaignWithLettersOut(env: DossierTestEnv, idPrefix: string, vendorIds: string[]): Promise<{ campaignId: string; dossier: DossierClient }> {
  const campaignId = env.uniqueId(idPrefix);
  const clientOptions = { taskQueue: env.taskQueue, address: 'test' };
  await new CampaignClient(env.client, clientOptions).start({
    campaign: testCampaign(campaignId),
    vendors: vendorIds.map((id) => testVendor(id)),
    policy: patientPolicy({ responseDue: '30 days', reminderCadence: ['14 days'], finalNoticeAfter: '21 days', closeAfter: '14 days' }),
    approval: { kind: 'all' },
    publication: { folder: campaignId, notifyVendors: false },
  });
  const dossier = new DossierClient(env.client, clientOptions);
  await until(() => dossier.countMatching({ campaign: campaignId, stage: 'awaiting-response' }), (n) => n === vendorIds.length, 'every letter out');
  return { campaignId, dossier };
}

/** A page of a browser context of its own, on `address` after signing in there as `login`. */
export async function signedInPage(browser: Browser, address: string, login: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await page.goto(address);
  await signIn(page, login);
  await page.waitForURL(address);
  return page;
}

/** Signs in on the provider's page; the workspace then sends the browser back where it started. */
export async function signIn(page: Page, login: string): Promise<void> {
  await page.waitForURL(/\/interaction\//);
  await page.fill('input[name=login]', login);
  await page.fill('input[name=password]', 'any');
  await page.click('button[type=submit]');
}

/**
 * Fails on any serious or critical axe-core violation, naming each; saves a screenshot of the page.
 * Beside axe's default rules, WCAG 2.2 AA's target size (2.5.8), which axe 4 leaves off by default.
 */
export async function checkPage(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS_DIR, `${name}.png`), fullPage: true });
  const results = await new AxeBuilder({ page }).options({ rules: { 'target-size': { enabled: true } } }).analyze();
  const serious = results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
  expect(serious, `accessibility of ${name}`).toEqual([]);
}
