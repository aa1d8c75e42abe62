// The playground in a real browser: Debian's Chromium, headless, driven by playwright-core,
// against the server at TEEMAVERKKO_URL (see run.sh, which starts a seeded server, with
// the committed playground build embedded, through test/with-server.sh).
//
// It checks that the page loads everything from the server itself, with no failed
// request, no console error and no Content-Security-Policy violation; that it opens with
// the example queries as tabs and the headers editor; that the first example (the kickoff
// seminar) runs and shows the seminar; and, when TEEMAVERKKO_TEST_TOKEN is an editor
// token of that server, that a subscription started from the page, over a WebSocket to
// the server itself, receives a change made through the API; and that a page whose
// script does not load says so instead of "Loading…". Every request to another origin is
// refused, as it would fail offline. It saves a screenshot to screenshots/playground.png.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const base = process.env.TEEMAVERKKO_URL;
const token = process.env.TEEMAVERKKO_TEST_TOKEN;
const executablePath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const screenshotPath = path.join(here, 'screenshots', 'playground.png');
const lastScreenshotPath = path.join(here, 'screenshots', 'last.png'); // the end state, for debugging
const exampleQueries = (await readdir(path.join(here, '../../docs/queries'))).filter((f) => f.endsWith('.graphql'));

const KICKOFF = 'USO-verkoston käynnistysseminaari';

let userDataDir;
let context;
let page;
const origin = base ? new URL(base).origin : '';
const failed = []; // requests that failed or answered >= 400
const offsite = []; // requests to any other origin (aborted)
const consoleErrors = []; // console errors, page errors and CSP violations
const frames = []; // WebSocket frames, both ways
const sockets = []; // the URLs of the WebSockets the page opened
const workers = []; // the URLs of the web workers the page started (Monaco's language services)
let loaded = false; // the first test got GraphiQL up; the others need it

before(async () => {
  assert.ok(base, 'TEEMAVERKKO_URL is not set: run bash test/browser/run.sh (or test/with-server.sh node --test test/browser/browser.test.mjs)');
  userDataDir = await mkdtemp(path.join(os.tmpdir(), 'teemaverkko-chromium-'));
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath,
    headless: true,
    viewport: { width: 1400, height: 900 },
    args: [
      '--no-sandbox', // CI runs as root
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  // Nothing may come from anywhere but the server: the page must work offline.
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith('data:') || url.startsWith('blob:') || new URL(url).origin === origin) {
      return route.continue();
    }
    offsite.push(url);
    return route.abort('blockedbyclient');
  });
  // CSP violations are also logged to the console, but this catches every one of them.
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || 'inline'} (${e.sourceFile}:${e.lineNumber})`);
    });
  });
  page = context.pages()[0] ?? (await context.newPage());
  page.on('requestfailed', (req) => {
    // A fetch that GraphiQL cancels itself (a re-run, a stopped operation) is no failure.
    if (req.failure()?.errorText === 'net::ERR_ABORTED' && req.resourceType() === 'fetch') return;
    failed.push(`${req.method()} ${req.url()}: ${req.failure()?.errorText}`);
  });
  page.on('response', (res) => {
    if (res.status() >= 400) failed.push(`${res.request().method()} ${res.url()}: HTTP ${res.status()}`);
  });
  page.on('console', (msg) => {
    if (msg.type() === 'error') consoleErrors.push(msg.text());
  });
  page.on('pageerror', (err) => consoleErrors.push(`uncaught: ${err.message}`));
  page.on('worker', (w) => workers.push(w.url()));
  page.on('websocket', (ws) => {
    sockets.push(ws.url());
    ws.on('framesent', (f) => frames.push({ dir: 'sent', payload: String(f.payload) }));
    ws.on('framereceived', (f) => frames.push({ dir: 'received', payload: String(f.payload) }));
    ws.on('socketerror', (err) => consoleErrors.push(`websocket ${ws.url()}: ${err}`));
  });
});

after(async () => {
  if (page) {
    await mkdir(path.dirname(lastScreenshotPath), { recursive: true });
    await page.screenshot({ path: lastScreenshotPath }).catch(() => {});
  }
  await context?.close();
  if (userDataDir) await rm(userDataDir, { recursive: true, force: true });
});

// The text of an element; Monaco renders spaces as no-break spaces.
async function textOf(selector) {
  const text = await page.locator(selector).first().textContent();
  return (text ?? '').replace(/\u00a0/g, ' ');
}

function assertClean(when) {
  assert.deepEqual(offsite, [], `${when}: requests to other origins`);
  assert.deepEqual(failed, [], `${when}: failed requests`);
  assert.deepEqual(consoleErrors, [], `${when}: console errors`);
}

test('the playground loads from the server alone, under its CSP', { timeout: 60_000 }, async () => {
  // GraphiQL introspects the schema first (for the docs and the editor's completion).
  const introspection = page.waitForResponse((r) => r.url() === `${origin}/graphql` &&
    (r.request().postData() ?? '').includes('IntrospectionQuery'), { timeout: 30_000 });
  introspection.catch(() => {}); // awaited below, unless an earlier assertion fails
  const res = await page.goto(`${base}/`, { waitUntil: 'load' });
  assert.equal(res.status(), 200, res.status() === 503 ? `the server has no playground build: ${await res.text()}` : undefined);
  const csp = res.headers()['content-security-policy'];
  assert.ok(csp, 'no Content-Security-Policy');
  assert.match(csp, /script-src 'self'(;|$)/);
  // By the load event the module script and the stylesheet are in: fail fast on a 404.
  assertClean('after the page loaded');

  await page.locator('.graphiql-container').waitFor({ timeout: 30_000 });
  await page.locator('.graphiql-query-editor .monaco-editor').waitFor({ timeout: 30_000 });
  // The example queries are the tabs, the kickoff seminar first and selected.
  await page.waitForFunction((n) => document.querySelectorAll('.graphiql-tab').length >= n, exampleQueries.length, { timeout: 15_000 });
  const tabs = await page.locator('.graphiql-tab').allTextContents();
  assert.equal(tabs.length, exampleQueries.length, `tabs: ${tabs.join(', ')}; examples: ${exampleQueries.join(', ')}`);
  assert.match(tabs[0], /KickoffSeminar/, `tabs: ${tabs.join(', ')}`);
  await page.waitForFunction(
    () => (document.querySelector('.graphiql-query-editor')?.textContent ?? '').includes('KickoffSeminar'),
    null,
    { timeout: 15_000 },
  );
  // The headers editor (for a bearer token) is open.
  await page.locator('.graphiql-editor-tools button.active[data-name="headers"]').waitFor({ timeout: 10_000 });
  await page.locator('.graphiql-editor-tool .graphiql-editor:not(.hidden) .monaco-editor').waitFor({ timeout: 10_000 });
  assert.equal((await introspection).status(), 200);
  // Monaco's GraphQL language service runs in a same-origin worker, allowed by the CSP.
  await waitFor(() => workers.some((u) => u.startsWith(origin) && u.includes('graphql.worker')), 'the GraphQL worker', 15_000);
  assertClean('after loading');
  loaded = true;
});

test('the kickoff example runs and shows the seminar', { timeout: 60_000 }, async () => {
  assert.ok(loaded, 'GraphiQL did not load (see the first test)');
  const response = page.waitForResponse((r) => r.url() === `${origin}/graphql` && r.request().method() === 'POST' &&
    (r.request().postData() ?? '').includes('KickoffSeminar'));
  await page.locator('.graphiql-execute-button').click();
  assert.equal((await response).status(), 200);
  await page.waitForFunction(
    (want) => (document.querySelector('.graphiql-response')?.textContent ?? '').replace(/\u00a0/g, ' ').includes(want),
    KICKOFF,
    { timeout: 30_000 },
  );
  const result = await textOf('.graphiql-response');
  assert.ok(result.includes('"title"'), result);
  assert.ok(!result.includes('"errors"'), result);
  await mkdir(path.dirname(screenshotPath), { recursive: true });
  await page.screenshot({ path: screenshotPath });
  assertClean('after running the kickoff example');
});

test('the CSP is enforced, and its violations are caught', { timeout: 30_000 }, async () => {
  assert.ok(loaded, 'GraphiQL did not load (see the first test)');
  // An injected inline script must be refused, and the refusal must reach consoleErrors
  // (which is how the other tests would notice GraphiQL tripping over the policy).
  const ran = await page.evaluate(() => {
    window.__inlineRan = false;
    const s = document.createElement('script');
    s.textContent = 'window.__inlineRan = true';
    document.body.appendChild(s);
    s.remove();
    return window.__inlineRan;
  });
  assert.equal(ran, false, 'an inline script ran: the page has no effective CSP');
  // Chromium logs the refusal itself, and the securitypolicyviolation listener reports it.
  const isViolation = (e) => /Content Security Policy|CSP violation/.test(e);
  const both = () => consoleErrors.some((e) => e.startsWith('CSP violation: script-src')) &&
    consoleErrors.some((e) => e.includes('Content Security Policy'));
  for (let i = 0; i < 100 && !both(); i++) await page.waitForTimeout(20);
  assert.ok(both(), `the CSP violation was not reported: ${JSON.stringify(consoleErrors)}`);
  const others = consoleErrors.filter((e) => !isViolation(e));
  consoleErrors.length = 0;
  consoleErrors.push(...others);
  assertClean('after the CSP check');
});

test('a subscription started from the page receives a change', { timeout: 60_000, skip: !token && 'TEEMAVERKKO_TEST_TOKEN is not set' }, async () => {
  assert.ok(loaded, 'GraphiQL did not load (see the first test)');
  // A new tab with a subscription, typed into the query editor.
  await page.locator('.graphiql-tab-add').click();
  const editor = page.locator('.graphiql-query-editor .monaco-editor').first();
  await editor.click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Delete');
  // insertText is one edit, untouched by Monaco's auto-closing of brackets.
  await page.keyboard.insertText('subscription BrowserTest { nodeChanged(types: ["Theme"]) { type change node { ... on Theme { slug name } } } }');
  // GraphiQL parses the edit after a pause (the tab then takes the operation's name);
  // run before that, and it would not know the operation is a subscription.
  await page.locator('.graphiql-tab-active', { hasText: 'BrowserTest' }).waitFor({ timeout: 10_000 });
  // The token goes into the headers editor; GraphiQL sends the headers as the
  // WebSocket's connection-init payload, which the server checks.
  await page.locator('.graphiql-editor-tool .graphiql-editor:not(.hidden) .monaco-editor').click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(JSON.stringify({ Authorization: `Bearer ${token}` }));
  await page.locator('.graphiql-execute-button').click();
  // graphql-transport-ws: connection_ack, then the server has the subscription.
  await waitFor(() => frames.some((f) => f.dir === 'received' && f.payload.includes('"connection_ack"')), 'connection_ack');
  await waitFor(() => frames.some((f) => f.dir === 'sent' && f.payload.includes('"subscribe"')), 'subscribe');
  const wsOrigin = origin.replace(/^http/, 'ws');
  assert.ok(sockets.length > 0 && sockets.every((u) => u === `${wsOrigin}/graphql`), `the page's WebSockets: ${sockets.join(', ')}`);
  const init = frames.find((f) => f.dir === 'sent' && f.payload.includes('"connection_init"'));
  assert.equal(JSON.parse(init.payload).payload?.Authorization, `Bearer ${token}`, 'the headers editor\'s token is not in connection_init');
  await page.waitForTimeout(300); // let the server register the subscription

  const slug = `browser-test-${Date.now()}`;
  const res = await fetch(`${base}/graphql`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
    body: JSON.stringify({
      query: 'mutation ($input: CreateThemeInput!) { createTheme(input: $input) { id } }',
      variables: { input: { slug, name: 'Selaintesti', nameEn: 'Browser test' } },
    }),
  });
  const body = await res.json();
  assert.equal(res.status, 200, JSON.stringify(body));
  assert.ok(body.data?.createTheme?.id, JSON.stringify(body));

  await page.waitForFunction(
    (want) => (document.querySelector('.graphiql-response')?.textContent ?? '').replace(/\u00a0/g, ' ').includes(want),
    slug,
    { timeout: 15_000 },
  );
  const result = await textOf('.graphiql-response');
  assert.match(result, /CREATED/, result);
  assert.ok(frames.some((f) => f.dir === 'received' && f.payload.includes('"next"') && f.payload.includes(slug)));
  // Stop the subscription (the execute button turns into a stop button).
  await page.locator('.graphiql-execute-button').click();
  assertClean('after the subscription');
});

test('a page whose script does not load says so', { timeout: 30_000 }, async () => {
  // The boot note replaces "Loading…" when the module script never runs (here: refused).
  const other = await context.newPage();
  try {
    await other.route(/\/playground\/assets\/main-[^/]*\.js$/, (route) => route.abort('blockedbyclient'));
    await other.goto(`${base}/`, { waitUntil: 'load' });
    const note = other.locator('.teemaverkko-stuck');
    await other.waitForFunction(() => {
      const el = document.querySelector('.teemaverkko-stuck');
      return el && getComputedStyle(el).visibility === 'visible';
    }, null, { timeout: 20_000 });
    assert.match(await note.textContent(), /GraphiQL has not started/);
  } finally {
    await other.close();
  }
});

async function waitFor(cond, what, timeout = 10_000) {
  const end = Date.now() + timeout;
  while (!cond()) {
    if (Date.now() > end) {
      throw new Error(`timed out waiting for ${what}; WebSocket frames: ${JSON.stringify(frames)}; ` +
        `console errors: ${JSON.stringify(consoleErrors)}; failed requests: ${JSON.stringify(failed)}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}
