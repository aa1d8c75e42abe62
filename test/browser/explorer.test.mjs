// The network explorer (/explore) in a real browser: Debian's Chromium, headless, driven
// by playwright-core, against the server at TEEMAVERKKO_URL (see run.sh).
//
// It checks that the page loads everything from the server itself, with no failed
// request, no console error and no Content-Security-Policy violation; that it draws
// the theme network the API returns (the drawn edges are the API's), with each signal's
// share; that a click on a node shows the theme's ties with their evidence and each
// item's sources; that the view is in the URL (a reload shows the same theme); that
// moving the year slider redraws the network for that year, with other edges; that
// search and the path finder answer. Every request to another origin is refused. It
// saves screenshots to screenshots/explorer*.png.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const base = process.env.TEEMAVERKKO_URL;
const token = process.env.TEEMAVERKKO_TEST_TOKEN;
const executablePath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
// Screenshots of synthetic data (TEEMAVERKKO_SHOTS=synthetic) go to a folder of their own.
const shots = path.join(here, 'screenshots', process.env.TEEMAVERKKO_SHOTS ?? '');

let userDataDir;
let context;
let page;
const origin = base ? new URL(base).origin : '';
const failed = [];
const offsite = [];
const consoleErrors = [];
let loaded = false;

before(async () => {
  assert.ok(base, 'TEEMAVERKKO_URL is not set: run bash test/browser/run.sh');
  userDataDir = await mkdtemp(path.join(os.tmpdir(), 'teemaverkko-chromium-'));
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath,
    headless: true,
    viewport: { width: 1600, height: 950 },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith('data:') || url.startsWith('blob:') || new URL(url).origin === origin) return route.continue();
    offsite.push(url);
    return route.abort('blockedbyclient');
  });
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || 'inline'} (${e.sourceFile}:${e.lineNumber})`);
    });
  });
  page = context.pages()[0] ?? (await context.newPage());
  page.on('requestfailed', (req) => {
    // A request the page gave up on itself (an older network request overtaken by a
    // newer one) is no failure.
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
});

after(async () => {
  if (page) {
    await mkdir(shots, { recursive: true });
    await page.screenshot({ path: path.join(shots, 'explorer-last.png') }).catch(() => {});
  }
  await context?.close();
  if (userDataDir) await rm(userDataDir, { recursive: true, force: true });
});

function assertClean(when) {
  assert.deepEqual(offsite, [], `${when}: requests to other origins`);
  assert.deepEqual(failed, [], `${when}: failed requests`);
  assert.deepEqual(consoleErrors, [], `${when}: console errors`);
}

// gql asks the API directly, as the page does.
async function gql(query, variables = {}) {
  const headers = { 'Content-Type': 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  const res = await fetch(`${base}/graphql`, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
  const body = await res.json();
  assert.equal(res.status, 200, JSON.stringify(body));
  assert.ok(!body.errors, JSON.stringify(body.errors));
  return body.data;
}

// ready waits until the page has drawn the answer to its latest network request.
async function ready() {
  await page.waitForFunction(() => document.body.dataset.state !== 'loading' && window.__explorer?.cy, null, { timeout: 30_000 });
  const st = await page.evaluate(() => document.body.dataset.state);
  assert.equal(st, 'ready', `the page says: ${await page.locator('#status').textContent()}`);
}

// drawnEdges lists the drawn edges as "sourceID~targetID", sorted.
const drawnEdges = () => page.evaluate(() => window.__explorer.cy.edges().map((e) => e.id()).sort());

test('the explorer loads from the server alone, under its CSP, and draws the API\'s network', { timeout: 90_000 }, async () => {
  const res = await page.goto(`${base}/explore`, { waitUntil: 'load' });
  assert.equal(res.status(), 200, res.status() === 503 ? `the server has no explorer build: ${await res.text()}` : undefined);
  const csp = res.headers()['content-security-policy'];
  assert.match(csp ?? '', /script-src 'self'(;|$)/);
  await ready();
  // The drawn edges are the API's, and so are the counts.
  const api = await gql(`{ themeNetwork(maxEdges: 300) { edgeCount signals signalShares { signal weightShare }
    edges { source { id } target { id } } } }`);
  const want = api.themeNetwork.edges.map((e) => `${e.source.id}~${e.target.id}`).sort();
  assert.ok(want.length > 0, 'the API returned no edges');
  assert.deepEqual(await drawnEdges(), want);
  assert.equal(await page.locator('#drawn').getAttribute('data-edges'), String(want.length));
  // Each counted signal's share is shown, with the API's figure.
  for (const s of api.themeNetwork.signalShares) {
    const row = page.locator(`#shares tr[data-signal="${s.signal}"]`);
    assert.match(await row.textContent(), new RegExp(`${Math.round(s.weightShare * 100)} %`));
  }
  assert.deepEqual(api.themeNetwork.signals, ['OUTCOME', 'SESSION', 'SEMINAR']);
  for (const s of ['OUTCOME', 'SESSION', 'SEMINAR']) assert.ok(await page.locator(`#sig-${s}`).isChecked(), `${s} is not checked`);
  assert.ok(!(await page.locator('#sig-DOCUMENT').isChecked()), 'DOCUMENT is checked but does not count');
  // The download links carry the view.
  assert.match(await page.locator('a[data-format="gexf"]').getAttribute('href'), /^\/export\/network\?format=gexf$/);
  await mkdir(shots, { recursive: true });
  await page.screenshot({ path: path.join(shots, 'explorer.png') });
  assertClean('after loading');
  loaded = true;
});

test('a click on a theme shows its ties, their evidence and its sources', { timeout: 60_000 }, async () => {
  assert.ok(loaded, 'the explorer did not load (see the first test)');
  // The theme with the most drawn ties, clicked where it is drawn.
  const target = await page.evaluate(() => {
    const cy = window.__explorer.cy;
    const n = cy.nodes().max((x) => x.degree()).ele;
    const box = cy.container().getBoundingClientRect();
    const p = n.renderedPosition();
    return { id: n.id(), x: box.left + p.x, y: box.top + p.y, degree: n.degree() };
  });
  await page.mouse.click(target.x, target.y);
  await page.waitForFunction((id) => document.getElementById('details').dataset.loaded === id, target.id, { timeout: 20_000 });
  assert.equal(new URL(page.url()).searchParams.get('theme'), target.id, 'the URL does not hold the theme');
  const ties = page.locator('#details li.tie');
  assert.equal(await ties.count(), target.degree);
  // The heaviest ties come with their evidence: items, each with its sources (a
  // document title, a date with its precision).
  const items = page.locator('#details li.tie[data-loaded] .evidence li.item');
  assert.ok(await items.count() > 0, 'no evidence item shown');
  const sources = page.locator('#details li.tie .evidence li.source');
  assert.ok(await sources.count() > 0, 'no source shown for the evidence');
  assert.match(await sources.first().textContent(), /\d{4}(-\d{2}){0,2} \((day|month|year)\)/);
  // The item IDs shown are the API's evidence for that edge.
  const evidence = await gql('{ themeNetwork(maxEdges: 300) { edges { source { id } target { id } evidence { itemIDs } } } }');
  const withEvidence = new Set(await page.locator('#details li.tie[data-loaded]').evaluateAll((els) => els.map((e) => e.dataset.other)));
  assert.ok(withEvidence.size > 0 && withEvidence.size <= 5, `${withEvidence.size} ties loaded with the theme`);
  const wantIDs = evidence.themeNetwork.edges
    .filter((e) => (e.source.id === target.id && withEvidence.has(e.target.id)) || (e.target.id === target.id && withEvidence.has(e.source.id)))
    .flatMap((e) => e.evidence.flatMap((ev) => ev.itemIDs)).sort();
  const shownIDs = (await items.evaluateAll((els) => els.map((e) => e.dataset.id))).sort();
  assert.deepEqual([...new Set(shownIDs)], [...new Set(wantIDs)]);
  await page.screenshot({ path: path.join(shots, 'explorer-theme.png') });
  // A tie further down loads its evidence when opened.
  const closed = page.locator('#details li.tie:not([data-loaded])').first();
  if (await closed.count()) {
    const other = await closed.getAttribute('data-other');
    await page.locator(`#details li.tie[data-other="${other}"] summary`).click();
    await page.waitForFunction((o) => document.querySelector(`#details li.tie[data-other="${o}"]`)?.dataset.loaded === '1',
      other, { timeout: 15_000 });
    assert.ok(await page.locator(`#details li.tie[data-other="${other}"] .evidence li.item`).count() > 0);
  }
  // The URL is the view: a reload shows the same theme.
  await page.reload({ waitUntil: 'load' });
  await ready();
  await page.waitForFunction((id) => document.getElementById('details').dataset.loaded === id, target.id, { timeout: 20_000 });
  assertClean('after clicking a theme');
});

test('the year slider redraws the network for that year', { timeout: 60_000 }, async () => {
  assert.ok(loaded, 'the explorer did not load (see the first test)');
  const all = await drawnEdges();
  const years = await page.evaluate(() => window.__explorer.years);
  assert.ok(years.length > 1, `years: ${years}`);
  // The kickoff's year, 2017, in the seed knowledge; a year in the middle otherwise.
  const year = years.includes('2017') ? '2017' : years[Math.floor(years.length / 2)];
  const i = years.indexOf(year) + 1;
  const slider = page.locator('#f-year');
  await slider.focus();
  await slider.evaluate((el, v) => { el.value = String(v); el.dispatchEvent(new Event('input', { bubbles: true })); }, i);
  await page.waitForFunction((y) => new URL(location.href).searchParams.get('year') === y, year);
  await page.waitForFunction((y) => document.getElementById('drawn').dataset.year === y, year, { timeout: 20_000 });
  await ready();
  const slice = await drawnEdges();
  assert.notDeepEqual(slice, all, 'moving the slider did not change the drawn edges');
  const api = await gql(`{ themeNetwork(maxEdges: 300, filter: { from: "${year}-01-01", to: "${year}-12-31" }) { edges { source { id } target { id } } } }`);
  assert.deepEqual(slice, api.themeNetwork.edges.map((e) => `${e.source.id}~${e.target.id}`).sort());
  assert.equal(await page.locator('#year-label').textContent(), year);
  assert.ok((await page.locator('a[data-format="gexf"]').getAttribute('href')).includes(`from=${year}-01-01&to=${year}-12-31`));
  await page.screenshot({ path: path.join(shots, 'explorer-year.png') });
  assertClean('after moving the slider');
});

test('"cite this view" pins the address to a version and draws the network as of it', { timeout: 60_000 }, async () => {
  assert.ok(loaded, 'the explorer did not load (see the first test)');
  await page.goto(`${base}/explore`, { waitUntil: 'load' });
  await ready();
  const { knowledgeBase } = await gql('{ knowledgeBase { version } }');
  await page.locator('#cite-btn').click();
  await page.waitForFunction((v) => new URL(location.href).searchParams.get('asOf') === v, String(knowledgeBase.version), { timeout: 15_000 });
  await page.waitForFunction(() => document.body.dataset.asOf !== '' && document.body.dataset.asOf !== undefined, null, { timeout: 20_000 });
  await ready();
  const api = await gql(`{ themeNetwork(maxEdges: 300, asOf: ${knowledgeBase.version}) { edges { source { id } target { id } } } }`);
  assert.deepEqual(await drawnEdges(), api.themeNetwork.edges.map((e) => `${e.source.id}~${e.target.id}`).sort());
  assert.match(await page.locator('#status').textContent(), new RegExp(`as of version ${knowledgeBase.version}`));
  // The pinned address, opened anew, draws the same.
  await page.goto(page.url(), { waitUntil: 'load' });
  await ready();
  assert.deepEqual(await drawnEdges(), api.themeNetwork.edges.map((e) => `${e.source.id}~${e.target.id}`).sort());
  assertClean('after citing the view');
});

test('search and the path finder answer from the API', { timeout: 60_000 }, async () => {
  assert.ok(loaded, 'the explorer did not load (see the first test)');
  const api = await gql('{ search(query: "kunta", first: 15) { totalCount edges { node { node { id } } } } }');
  await page.locator('#search-q').fill('kunta');
  await page.locator('#search button[type="submit"]').click();
  await page.waitForFunction(() => /hits/.test(document.querySelector('#search-results p')?.textContent ?? ''), null, { timeout: 15_000 });
  assert.match(await page.locator('#search-results p').first().textContent(), new RegExp(`^${api.search.totalCount} hits`));
  const shown = await page.locator('#search-results ol.hits li').count();
  assert.equal(shown, api.search.edges.length);
  assert.equal(new URL(page.url()).searchParams.get('q'), 'kunta');
  const names = await page.evaluate(() => window.__explorer.network.nodes.map((n) => n.theme.name));
  assert.ok(names.length >= 2);
  await page.locator('#path-from').fill(names[0]);
  await page.locator('#path-to').fill(names[names.length - 1]);
  await page.locator('#path button[type="submit"]').click();
  await page.waitForFunction(() => (document.getElementById('path-result').textContent ?? '').match(/steps|No chain/), null, { timeout: 15_000 });
  assert.match(await page.locator('#path-result').textContent(), /\d+ steps:|No chain/);
  assertClean('after search and path');
});

test('when reads need a token, the page says so and takes one', { timeout: 30_000 }, async () => {
  // A server with -reads-need-token answers 401 UNAUTHENTICATED to every read; here the
  // browser plays that server's /graphql, in a page of its own.
  const other = await context.newPage();
  try {
    await other.route(`${origin}/graphql`, (route) => route.fulfill({
      status: 401,
      contentType: 'application/json',
      headers: { 'WWW-Authenticate': 'Bearer' },
      body: JSON.stringify({ errors: [{ message: 'a token is required', extensions: { code: 'UNAUTHENTICATED' } }] }),
    }));
    await other.goto(`${base}/explore`, { waitUntil: 'load' });
    await other.waitForFunction(() => document.body.dataset.state === 'error', null, { timeout: 15_000 });
    assert.match(await other.locator('#status').textContent(), /needs a token/);
    assert.ok(await other.locator('#token-box').evaluate((d) => d.open), 'the token box is not open');
    // A token typed in goes with the next requests, and never into the URL.
    const sent = other.waitForRequest((r) => r.url() === `${origin}/graphql` && r.headers().authorization === 'Bearer typed-token');
    await other.locator('#token').fill('typed-token');
    await other.locator('#token-form button[type="submit"]').click();
    await sent;
    assert.ok(!other.url().includes('typed-token'));
  } finally {
    await other.close();
  }
});
