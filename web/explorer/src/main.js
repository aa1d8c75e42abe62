// The theme network explorer: a page over the public GraphQL API, and a worked example
// of a client. Everything it shows comes from the API's answers (themeNetwork, node,
// nodes, search, connectionPath and the lists of seminars, terms and places); the page
// itself only draws, lays out and links. The whole view lives in the URL, so that a view
// can be shared and cited, and the same parameters as /export/network give the view's
// data as GEXF, GraphML or CSV.
import cytoscape from 'cytoscape';
import './style.css';

const config = JSON.parse(document.getElementById('explorer-config').textContent);
const endpoint = config.endpoint;
const exportPath = config.exportPath;

const SIGNALS = ['OUTCOME', 'SESSION', 'SEMINAR', 'EXPERT', 'MUNICIPALITY', 'DOCUMENT'];
const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f',
  '#bcbd22', '#17becf', '#393b79', '#637939', '#8c6d31', '#843c39', '#7b4173', '#3182bd'];
const DEFAULT_MAX_EDGES = 300;
const NODES_PER_REQUEST = 100; // the API's largest page, which bounds nodes(ids:)
const OPEN_TIES = 5; // the ties whose evidence loads with the theme

const $ = (id) => document.getElementById(id);
const state = {
  view: null, // what the URL says
  network: null, // the last themeNetwork answer
  years: [], // the years with seminars, for the slider
  themes: new Map(), // theme ID -> { name, nameEn }, from the network answers
  cy: null,
  seq: 0, // the latest network request; older answers are dropped
};
window.__explorer = state; // for the browser test and for curious readers

// ---- the view and the URL ----

function readView() {
  const q = new URLSearchParams(location.search);
  const list = (name) => q.getAll(name).flatMap((v) => v.split(',')).map((s) => s.trim()).filter(Boolean);
  const date = (v) => (/^\d{4}-\d{2}-\d{2}$/.test(v ?? '') ? v : '');
  const num = (v, def) => (v !== null && v !== '' && Number.isFinite(Number(v)) ? Number(v) : def);
  return {
    signals: list('signals').map((s) => s.toUpperCase()).filter((s) => SIGNALS.includes(s)),
    minWeight: num(q.get('minWeight'), 1),
    maxEdges: Math.max(1, Math.min(20000, Math.round(num(q.get('maxEdges'), DEFAULT_MAX_EDGES)))),
    seminar: list('seminar'),
    term: list('term'),
    municipality: list('municipality'),
    region: list('region'),
    from: date(q.get('from')),
    to: date(q.get('to')),
    year: /^\d{4}$/.test(q.get('year') ?? '') ? q.get('year') : '',
    theme: q.get('theme') ?? '',
    q: q.get('q') ?? '',
    pathFrom: q.get('pathFrom') ?? '',
    pathTo: q.get('pathTo') ?? '',
    // A version of the knowledge base (its revision history): the network as it stood then.
    asOf: /^\d{1,18}$/.test(q.get('asOf') ?? '') ? q.get('asOf') : '',
  };
}

// filterParams are the parameters /export/network shares with this page.
function filterParams(v) {
  const p = new URLSearchParams();
  if (v.signals.length) p.set('signals', v.signals.join(','));
  if (v.minWeight !== 1) p.set('minWeight', String(v.minWeight));
  for (const k of ['seminar', 'term', 'municipality', 'region']) if (v[k].length) p.set(k, v[k].join(','));
  const { from, to } = dateRange(v);
  if (from) p.set('from', from);
  if (to) p.set('to', to);
  return p;
}

function viewParams(v) {
  const p = filterParams(v);
  // The year slider narrows the date range: keep the range itself apart in the URL.
  p.delete('from');
  p.delete('to');
  if (v.from) p.set('from', v.from);
  if (v.to) p.set('to', v.to);
  if (v.year) p.set('year', v.year);
  if (v.maxEdges !== DEFAULT_MAX_EDGES) p.set('maxEdges', String(v.maxEdges));
  for (const k of ['theme', 'q', 'pathFrom', 'pathTo', 'asOf']) if (v[k]) p.set(k, v[k]);
  return p;
}

function writeView(push) {
  const s = viewParams(state.view).toString();
  const url = `${location.pathname}${s ? `?${s}` : ''}`;
  if (url !== `${location.pathname}${location.search}`) history[push ? 'pushState' : 'replaceState'](null, '', url);
  updateExportLinks();
}

// dateRange is the view's date range, narrowed to the slider's year.
function dateRange(v) {
  let { from, to } = v;
  if (v.year) {
    const yFrom = `${v.year}-01-01`;
    const yTo = `${v.year}-12-31`;
    from = from && from > yFrom ? from : yFrom;
    to = to && to < yTo ? to : yTo;
  }
  return { from, to };
}

function networkFilter(v) {
  const f = {};
  if (v.seminar.length) f.seminarIDs = v.seminar;
  if (v.term.length) f.termIDs = v.term;
  if (v.municipality.length) f.municipalityIDs = v.municipality;
  if (v.region.length) f.regionIDs = v.region;
  const { from, to } = dateRange(v);
  if (from) f.from = from;
  if (to) f.to = to;
  return Object.keys(f).length ? f : null;
}

// ---- the API ----

class APIError extends Error {}

async function gql(query, variables = {}) {
  const headers = { 'Content-Type': 'application/json', Accept: 'application/json' };
  const token = sessionStorage.getItem('teemaverkko-token');
  if (token) headers.Authorization = `Bearer ${token}`;
  let res;
  try {
    res = await fetch(endpoint, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
  } catch (e) {
    throw new APIError(`the API did not answer (${e.message})`);
  }
  let body;
  try {
    body = await res.json();
  } catch {
    throw new APIError(`the API answered ${res.status} without JSON`);
  }
  if (res.status === 401 || body.errors?.some((e) => e.extensions?.code === 'UNAUTHENTICATED')) {
    $('token-box').open = true;
    throw new APIError('this server needs a token for reads: paste one under “Token”');
  }
  if (body.errors?.length) throw new APIError(body.errors.map((e) => `${e.message}${e.extensions?.code ? ` (${e.extensions.code})` : ''}`).join('; '));
  if (!res.ok) throw new APIError(`the API answered ${res.status}`);
  return body.data;
}

// allPages reads a whole connection, a page of 100 at a time (at most 20 pages).
async function allPages(field, args, selection) {
  const out = [];
  let after = null;
  for (let i = 0; i < 20; i++) {
    const data = await gql(`query ExplorerList($after: Cursor) { ${field}(first: 100, after: $after${args ? `, ${args}` : ''}) {
      pageInfo { hasNextPage endCursor } edges { node { ${selection} } } } }`, { after });
    const conn = data[field];
    out.push(...conn.edges.map((e) => e.node));
    if (!conn.pageInfo.hasNextPage) break;
    after = conn.pageInfo.endCursor;
  }
  return out;
}

const NETWORK = `query ExplorerNetwork($filter: NetworkFilter, $signals: [NetworkSignal!], $minWeight: Float, $maxEdges: Int, $asOf: Int) {
  themeNetwork(filter: $filter, signals: $signals, minWeight: $minWeight, maxEdges: $maxEdges, asOf: $asOf) {
    edgeCount truncated strengthMeasure signals
    signalShares { signal edges onlyEdges weight weightShare }
    nodes { theme { id name nameEn } weightedDegree betweenness community counts { signal count } }
    edges { source { id } target { id } weight strength evidence { signal count itemIDs } }
  }
}`;

const DOC = 'fragment Doc on Document { id title publishedOn publishedOnPrecision url }';
const SOURCES = 'sources(first: 5) { totalCount edges { node { ...Doc } } }';
const SEMINAR_REF = 'seminar { id title date datePrecision }';

const THEME = `query ExplorerTheme($id: ID!, $signals: [NetworkSignal!]) {
  node(id: $id) { id ... on Theme { name nameEn description
    related(first: 8, signals: $signals) { theme { id name } weight strength }
    outcomes(first: 10) { totalCount edges { node { id kind text ${SEMINAR_REF} ${SOURCES} } } }
    sessions(first: 10) { totalCount edges { node { id kind title ${SEMINAR_REF} ${SOURCES} } } }
  } }
} ${DOC}`;

const EVIDENCE = `query ExplorerEvidence($ids: [ID!]!) {
  nodes(ids: $ids) { __typename id
    ... on Outcome { text ${SEMINAR_REF} ${SOURCES} }
    ... on Session { title ${SEMINAR_REF} ${SOURCES} }
    ... on Seminar { title date datePrecision ${SOURCES} }
    ... on Expert { name ${SOURCES} }
    ... on Municipality { name code }
    ... on Document { ...Doc }
  }
} ${DOC}`;

const LABELS = `__typename id
  ... on Theme { name } ... on Municipality { name } ... on Region { name } ... on Expert { name }
  ... on Organization { name } ... on Outcome { text } ... on Session { title } ... on Seminar { title date }
  ... on Document { title } ... on NetworkTerm { number startYear endYear }`;

// ---- status ----

function setStatus(text, kind = 'info') {
  const el = $('status');
  el.textContent = text;
  el.dataset.kind = kind;
}

function setBusy(busy) {
  document.body.dataset.state = busy ? 'loading' : (document.body.dataset.state === 'error' ? 'error' : 'ready');
}

// ---- formatting ----

const el = (tag, attrs = {}, ...children) => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(e.dataset, v);
    else if (k === 'style') e.style.cssText = v; // through the CSSOM, which the CSP allows
    else e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) if (c !== null && c !== undefined && c !== false) e.append(c instanceof Node ? c : String(c));
  return e;
};

// dated shows a date as precisely as the source gives it, and says how precise it is.
function dated(date, precision) {
  if (!date) return 'undated';
  const p = (precision ?? 'DAY').toUpperCase();
  const shown = p === 'YEAR' ? date.slice(0, 4) : p === 'MONTH' ? date.slice(0, 7) : date;
  return `${shown} (${p.toLowerCase()})`;
}

const fmt = (x, digits = 2) => (Number.isInteger(x) ? String(x) : x.toFixed(digits));
const pct = (x) => `${(x * 100).toFixed(0)} %`;

function themeName(id) {
  const t = state.themes.get(id);
  return t ? t.name : id;
}

function sourceList(sources) {
  if (!sources || sources.edges.length === 0) return el('span', { class: 'muted' }, 'no source recorded');
  const items = sources.edges.map(({ node: d }) => el('li', { class: 'source', dataset: { id: d.id } },
    webURL(d.url) ? el('a', { href: d.url, rel: 'noopener noreferrer', target: '_blank' }, d.title) : d.title,
    ` — ${dated(d.publishedOn, d.publishedOnPrecision)}`,
    d.url ? el('span', { class: 'url' }, ` ${d.url}`) : null));
  if (sources.totalCount > sources.edges.length) items.push(el('li', { class: 'muted' }, `and ${sources.totalCount - sources.edges.length} more`));
  return el('ul', { class: 'sources' }, items);
}

// webURL reports whether a document's URL is one to link (the API stores only http and
// https URLs; the page does not rely on it).
const webURL = (u) => typeof u === 'string' && /^https?:\/\//i.test(u);

function itemLabel(n) {
  switch (n.__typename) {
    case 'Outcome': return n.text;
    case 'Session': return n.title;
    case 'Seminar': return `${n.title}, ${dated(n.date, n.datePrecision)}`;
    case 'Expert': return n.name;
    case 'Municipality': return `${n.name} (${n.code})`;
    case 'Document': return n.title;
    default: return n.id;
  }
}

function itemView(n) {
  if (!n) return el('li', { class: 'muted' }, 'no longer in the knowledge base');
  const parts = [el('span', { class: 'kind' }, n.__typename), ' ', itemLabel(n)];
  if (n.seminar) parts.push(el('div', { class: 'muted' }, `at ${n.seminar.title}, ${dated(n.seminar.date, n.seminar.datePrecision)}`));
  if (n.__typename === 'Document') parts.push(sourceList({ totalCount: 1, edges: [{ node: n }] }));
  else if (n.sources) parts.push(sourceList(n.sources));
  return el('li', { class: 'item', dataset: { id: n.id } }, parts);
}

// ---- the drawing ----

function draw(net) {
  const edges = net.edges;
  const drawnIDs = new Set();
  for (const e of edges) {
    drawnIDs.add(e.source.id);
    drawnIDs.add(e.target.id);
  }
  // The nodes with a drawn edge; the measures are the whole network's (see themeNetwork).
  const nodes = net.nodes.filter((n) => drawnIDs.has(n.theme.id));
  const maxDegree = Math.max(1, ...nodes.map((n) => n.weightedDegree));
  const maxWeight = Math.max(1, ...edges.map((e) => e.weight));
  // Start the layout from the communities on a circle, each on a small circle of its
  // own, so that communities start apart.
  const byCommunity = new Map();
  for (const n of nodes) {
    if (!byCommunity.has(n.community)) byCommunity.set(n.community, []);
    byCommunity.get(n.community).push(n);
  }
  const communities = [...byCommunity.keys()].sort((a, b) => a - b);
  const positions = new Map();
  communities.forEach((c, i) => {
    const members = byCommunity.get(c);
    const angle = (2 * Math.PI * i) / communities.length;
    const cx = communities.length > 1 ? 400 * Math.cos(angle) : 0;
    const cy = communities.length > 1 ? 400 * Math.sin(angle) : 0;
    const r = 40 + 12 * members.length;
    members.forEach((n, j) => {
      const a = (2 * Math.PI * j) / members.length;
      positions.set(n.theme.id, { x: cx + r * Math.cos(a), y: cy + r * Math.sin(a) });
    });
  });
  const elements = [
    ...nodes.map((n) => ({
      group: 'nodes',
      data: {
        id: n.theme.id, label: n.theme.name, community: n.community, weightedDegree: n.weightedDegree,
        size: 14 + 46 * Math.sqrt(n.weightedDegree / maxDegree), color: PALETTE[n.community % PALETTE.length],
      },
      position: positions.get(n.theme.id),
    })),
    ...edges.map((e) => ({
      group: 'edges',
      data: {
        id: `${e.source.id}~${e.target.id}`, source: e.source.id, target: e.target.id, weight: e.weight,
        strength: e.strength, width: 1 + 7 * (e.weight / maxWeight),
      },
    })),
  ];
  if (state.cy) state.cy.destroy();
  const cy = cytoscape({
    container: $('graph'),
    elements,
    minZoom: 0.1,
    maxZoom: 4,
    wheelSensitivity: 0.3,
    style: [
      { selector: 'node', style: {
        'background-color': 'data(color)', width: 'data(size)', height: 'data(size)', label: 'data(label)',
        'font-size': 11, 'text-valign': 'bottom', 'text-margin-y': 3, color: '#222',
        'text-background-color': '#fff', 'text-background-opacity': 0.7, 'text-background-padding': 1,
        'min-zoomed-font-size': 7,
      } },
      { selector: 'edge', style: { width: 'data(width)', 'line-color': '#9aa5b1', opacity: 0.55, 'curve-style': 'haystack' } },
      { selector: 'node.selected', style: { 'border-width': 4, 'border-color': '#111' } },
      { selector: 'node.faded', style: { opacity: 0.25 } },
      { selector: 'edge.faded', style: { opacity: 0.08 } },
      { selector: 'edge.near', style: { 'line-color': '#333', opacity: 0.9 } },
      { selector: '.path', style: { 'border-width': 4, 'border-color': '#d62728', 'line-color': '#d62728', opacity: 1 } },
    ],
    layout: { name: 'preset' },
  });
  state.cy = cy;
  if (nodes.length > 1) {
    // Denser networks get longer edges, so that their labels have room.
    const density = edges.length / nodes.length;
    cy.layout({
      name: 'cose', animate: false, randomize: false, fit: true, padding: 30,
      nodeRepulsion: () => 20000, idealEdgeLength: () => Math.min(400, 80 + 12 * density),
      nodeOverlap: 40, gravity: 0.3, initialTemp: 500, coolingFactor: 0.98, numIter: nodes.length > 200 ? 600 : 1500,
    }).run();
    // A dense network comes out of the layout small, and fitting it would blow the nodes
    // and labels up: spread the positions instead, so that it fits at life size.
    const z = cy.zoom();
    if (z > 1) {
      cy.nodes().positions((n) => ({ x: n.position('x') * z, y: n.position('y') * z }));
      cy.fit(undefined, 30);
    }
  } else {
    cy.fit(undefined, 30);
  }
  cy.on('tap', 'node', (ev) => selectTheme(ev.target.id(), true));
  cy.on('tap', (ev) => {
    if (ev.target === cy) selectTheme('', true);
  });
  const drawn = $('drawn');
  drawn.dataset.nodes = String(nodes.length);
  drawn.dataset.edges = String(edges.length);
  drawn.dataset.year = state.view.year; // the slice drawn (for the browser test)
  drawn.textContent = `Drawn: ${edges.length} of ${net.edgeCount} edges${net.truncated ? ' (the heaviest)' : ''}, ` +
    `${nodes.length} of ${net.nodes.length} themes (those with a drawn edge).`;
}

function showShares(net) {
  const rows = net.signalShares.map((s) => el('tr', { dataset: { signal: s.signal } },
    el('th', { scope: 'row' }, s.signal.toLowerCase()),
    el('td', {}, String(s.edges)),
    el('td', {}, String(s.onlyEdges)),
    el('td', {}, fmt(s.weight)),
    el('td', {}, el('span', { class: 'bar' }, el('span', { class: 'fill', style: `width:${(s.weightShare * 100).toFixed(1)}%` })), ' ', pct(s.weightShare))));
  $('shares').replaceChildren(
    el('p', {}, `Signals counted: ${net.signals.map((s) => s.toLowerCase()).join(', ')}`,
      state.view.signals.length ? '' : ' (the API\'s default: what the seminars discussed)', '.'),
    el('table', {},
      el('thead', {}, el('tr', {}, el('th', {}, 'signal'), el('th', { title: 'edges with an item of this signal' }, 'edges'),
        el('th', { title: 'edges made by this signal alone' }, 'alone'), el('th', {}, 'weight'), el('th', {}, 'share of weight'))),
      el('tbody', {}, rows)));
}

// ---- loading ----

// showCitation says whether the view is pinned to a version of the knowledge base: a
// pinned URL draws the same network after later writes (the theme details, search and
// the file downloads show the current data).
function showCitation(v) {
  $('cite-btn').textContent = v.asOf ? 'Show the current data' : 'Cite this view';
  $('cite-state').textContent = v.asOf
    ? `This address shows the network as of version ${v.asOf} of the knowledge base, and draws the same after later changes; the theme details, search and downloads show the current data.`
    : 'Pins the address to the current version of the knowledge base, so that it shows the same network after later changes.';
  document.body.dataset.asOf = v.asOf;
}

async function loadNetwork() {
  const v = state.view;
  const seq = ++state.seq;
  setBusy(true);
  setStatus('Loading the network…');
  try {
    const data = await gql(NETWORK, {
      filter: networkFilter(v), signals: v.signals.length ? v.signals : null, minWeight: v.minWeight, maxEdges: v.maxEdges,
      asOf: v.asOf ? Number(v.asOf) : null,
    });
    if (seq !== state.seq) return; // a newer request is on its way
    const net = data.themeNetwork;
    state.network = net;
    for (const n of net.nodes) state.themes.set(n.theme.id, n.theme);
    showShares(net); // first: it takes room from the drawing, which then fits what is left
    draw(net);
    fillThemeList(net);
    const { from, to } = dateRange(v);
    setStatus(`${net.nodes.length} themes, ${net.edgeCount} edges${from || to ? ` (${from || '…'} – ${to || '…'})` : ''}${v.asOf ? `, as of version ${v.asOf}` : ''}.`);
    showCitation(v);
    document.body.dataset.state = 'ready';
    if (v.theme) await selectTheme(v.theme, false);
    else $('details').replaceChildren(el('p', { class: 'muted' }, 'Click a theme to see its ties, their evidence and its sources.'));
  } catch (e) {
    if (seq !== state.seq) return;
    document.body.dataset.state = 'error';
    setStatus(e instanceof APIError ? `Error: ${e.message}` : `Error: ${e}`, 'error');
    if (!(e instanceof APIError)) console.error(e);
  }
}

async function selectTheme(id, push) {
  if (state.view.theme !== id) {
    state.view.theme = id;
    writeView(push);
  }
  const cy = state.cy;
  if (cy) {
    cy.elements().removeClass('selected faded near');
    if (id && cy.$id(id).nonempty()) {
      const n = cy.$id(id);
      n.addClass('selected');
      cy.elements().difference(n.closedNeighborhood()).addClass('faded');
      n.connectedEdges().addClass('near');
    }
  }
  const panel = $('details');
  if (!id) {
    panel.replaceChildren(el('p', { class: 'muted' }, 'Click a theme to see its ties, their evidence and its sources.'));
    return;
  }
  panel.replaceChildren(el('p', { class: 'muted' }, 'Loading the theme…'));
  panel.dataset.theme = id;
  try {
    const v = state.view;
    const signals = v.signals.length ? v.signals : null;
    const ties = (state.network?.edges ?? []).filter((e) => e.source.id === id || e.target.id === id)
      .sort((a, b) => b.weight - a.weight || b.strength - a.strength);
    // The evidence of the heaviest ties comes with the theme; a tie further down loads
    // its own when opened (a theme of a large knowledge base has thousands of items).
    const [themeData, items] = await Promise.all([gql(THEME, { id, signals }), loadItems(ties.slice(0, OPEN_TIES))]);
    if (state.view.theme !== id) return;
    const t = themeData.node;
    if (!t || t.name === undefined) {
      panel.replaceChildren(el('p', {}, 'No such theme.'));
      return;
    }
    const node = state.network?.nodes.find((n) => n.theme.id === id);
    panel.replaceChildren(
      el('h2', {}, t.name, t.nameEn ? el('span', { class: 'muted' }, ` — ${t.nameEn}`) : ''),
      t.description ? el('p', {}, t.description) : '',
      node ? el('p', { class: 'measures' }, `Weighted degree ${fmt(node.weightedDegree)}, betweenness ${fmt(node.betweenness)}, community ${node.community}; `,
        node.counts.map((c) => `${c.count} ${c.signal.toLowerCase()}`).join(', '), '.') : el('p', { class: 'muted' }, 'Not in this view\'s network.'),
      el('h3', {}, `Ties in this view (${ties.length})`),
      ties.length === 0 ? el('p', { class: 'muted' }, 'None drawn.') : el('ol', { class: 'ties' }, ties.map((e, i) => tieView(id, e, i < OPEN_TIES ? items : null))),
      el('h3', {}, 'Related themes (all evidence)'),
      t.related.length === 0 ? el('p', { class: 'muted' }, 'None.') : el('ul', {}, t.related.map((r) => el('li', {},
        el('a', { href: '#', onclick: (ev) => { ev.preventDefault(); selectTheme(r.theme.id, true); } }, r.theme.name),
        ` — weight ${fmt(r.weight)}, Jaccard ${fmt(r.strength)}`))),
      el('h3', {}, `Outcomes (${t.outcomes.totalCount})`),
      t.outcomes.edges.length ? el('ul', { class: 'items' }, t.outcomes.edges.map(({ node: o }) => itemView({ __typename: 'Outcome', ...o }))) : el('p', { class: 'muted' }, 'None.'),
      el('h3', {}, `Sessions (${t.sessions.totalCount})`),
      t.sessions.edges.length ? el('ul', { class: 'items' }, t.sessions.edges.map(({ node: s }) => itemView({ __typename: 'Session', ...s }))) : el('p', { class: 'muted' }, 'None.'),
    );
    panel.dataset.loaded = id;
  } catch (e) {
    panel.replaceChildren(el('p', { class: 'error' }, `Error: ${e.message}`));
    if (!(e instanceof APIError)) console.error(e);
  }
}

function tieView(id, e, items) {
  const other = e.source.id === id ? e.target.id : e.source.id;
  const body = el('div', { class: 'tie-evidence' });
  const box = el('details', { open: Boolean(items) },
    el('summary', {}, el('strong', {}, themeName(other)), ` — weight ${fmt(e.weight)}, Jaccard ${fmt(e.strength)}`), body);
  const li = el('li', { class: 'tie', dataset: { other } }, box);
  const fill = (loaded) => {
    body.replaceChildren(...e.evidence.map((ev) => el('div', { class: 'evidence', dataset: { signal: ev.signal } },
      el('h4', {}, `${ev.signal.toLowerCase()}: ${ev.count}${ev.count > ev.itemIDs.length ? ` (the first ${ev.itemIDs.length} shown)` : ''}`),
      el('ul', { class: 'items' }, ev.itemIDs.map((iid) => itemView(loaded.get(iid)))))));
    li.dataset.loaded = '1';
  };
  if (items) fill(items);
  else {
    body.append(el('p', { class: 'muted' }, 'Open to load the evidence.'));
    box.addEventListener('toggle', async () => {
      if (!box.open || li.dataset.loaded) return;
      body.replaceChildren(el('p', { class: 'muted' }, 'Loading the evidence…'));
      try {
        fill(await loadItems([e]));
      } catch (err) {
        body.replaceChildren(el('p', { class: 'error' }, `Error: ${err.message}`));
      }
    });
  }
  return li;
}

// loadItems loads the evidence items of some edges, with their sources, through
// nodes(ids:), at most the API's largest page of IDs a request.
async function loadItems(edges) {
  const ids = [...new Set(edges.flatMap((e) => e.evidence.flatMap((ev) => ev.itemIDs)))];
  const answers = await Promise.all(chunks(ids, NODES_PER_REQUEST).map((part) => gql(EVIDENCE, { ids: part })));
  const items = new Map();
  for (const d of answers) for (const n of d.nodes) if (n) items.set(n.id, n);
  return items;
}

function chunks(list, n) {
  const out = [];
  for (let i = 0; i < list.length; i += n) out.push(list.slice(i, i + n));
  return out;
}

// ---- controls ----

async function loadOptions() {
  const [seminars, terms, regions, municipalities] = await Promise.all([
    allPages('seminars', 'orderBy: [{ field: DATE }]', 'id title date datePrecision'),
    allPages('networkTerms', 'orderBy: [{ field: NUMBER }]', 'id number startYear endYear network { name }'),
    allPages('regions', 'orderBy: [{ field: NAME }]', 'id code name'),
    allPages('municipalities', 'orderBy: [{ field: NAME }], where: { or: [{ hasOutcomes: true }, { hasSeminars: true }] }', 'id code name'),
  ]);
  fillSelect($('f-seminar'), seminars.map((s) => [s.id, `${dated(s.date, s.datePrecision).split(' ')[0]} ${s.title}`]), state.view.seminar);
  fillSelect($('f-term'), terms.map((t) => [t.id, `${t.network.name}: term ${t.number} (${t.startYear}–${t.endYear ?? ''})`]), state.view.term);
  fillSelect($('f-region'), regions.map((r) => [r.id, `${r.name} (${r.code})`]), state.view.region);
  fillSelect($('f-municipality'), municipalities.map((m) => [m.id, `${m.name} (${m.code})`]), state.view.municipality);
  state.years = [...new Set(seminars.map((s) => s.date.slice(0, 4)))].sort();
  const slider = $('f-year');
  slider.max = String(state.years.length);
  syncYear();
}

function fillSelect(select, options, chosen) {
  select.replaceChildren(...options.map(([value, label]) => el('option', { value, selected: chosen.includes(value) }, label)));
}

function syncYear() {
  const slider = $('f-year');
  const i = state.view.year ? state.years.indexOf(state.view.year) + 1 : 0;
  slider.value = String(Math.max(0, i));
  $('year-label').textContent = state.view.year ? state.view.year : 'all years';
}

function syncControls() {
  const v = state.view;
  for (const s of SIGNALS) $(`sig-${s}`).checked = v.signals.length ? v.signals.includes(s) : (state.network?.signals ?? []).includes(s);
  $('f-minWeight').value = String(v.minWeight);
  $('f-maxEdges').value = String(v.maxEdges);
  $('f-from').value = v.from;
  $('f-to').value = v.to;
  for (const k of ['seminar', 'term', 'region', 'municipality']) {
    for (const o of $(`f-${k}`).options) o.selected = v[k].includes(o.value);
  }
  $('search-q').value = v.q;
  syncYear();
}

function fillThemeList(net) {
  const names = [...net.nodes].sort((a, b) => a.theme.name.localeCompare(b.theme.name, 'fi'));
  $('theme-names').replaceChildren(...names.map((n) => el('option', { value: n.theme.name })));
  for (const s of SIGNALS) $(`sig-${s}`).checked = state.view.signals.length ? state.view.signals.includes(s) : net.signals.includes(s);
  $('path-from').value = state.view.pathFrom ? themeName(state.view.pathFrom) : $('path-from').value;
  $('path-to').value = state.view.pathTo ? themeName(state.view.pathTo) : $('path-to').value;
}

function themeByName(name) {
  const n = (state.network?.nodes ?? []).find((x) => x.theme.name === name.trim());
  return n?.theme.id ?? '';
}

function updateExportLinks() {
  const p = filterParams(state.view);
  for (const a of document.querySelectorAll('a[data-format]')) {
    const q = new URLSearchParams(p);
    q.set('format', a.dataset.format);
    a.href = `${exportPath}?${q}`;
  }
}

let debounce = 0;
function changed(fn, delay = 0) {
  fn(state.view);
  writeView(true);
  clearTimeout(debounce);
  debounce = setTimeout(loadNetwork, delay);
}

function wire() {
  $('filters').addEventListener('submit', (e) => e.preventDefault());
  for (const s of SIGNALS) {
    $(`sig-${s}`).addEventListener('change', () => changed((v) => {
      v.signals = SIGNALS.filter((x) => $(`sig-${x}`).checked);
    }));
  }
  $('f-minWeight').addEventListener('change', (e) => changed((v) => { v.minWeight = Math.max(0, Number(e.target.value) || 0); }));
  $('f-maxEdges').addEventListener('change', (e) => changed((v) => { v.maxEdges = Math.max(1, Math.min(20000, Math.round(Number(e.target.value) || DEFAULT_MAX_EDGES))); }));
  $('f-from').addEventListener('change', (e) => changed((v) => { v.from = e.target.value; }));
  $('f-to').addEventListener('change', (e) => changed((v) => { v.to = e.target.value; }));
  for (const k of ['seminar', 'term', 'region', 'municipality']) {
    $(`f-${k}`).addEventListener('change', (e) => changed((v) => { v[k] = [...e.target.selectedOptions].map((o) => o.value); }));
  }
  $('f-year').addEventListener('input', (e) => {
    const i = Number(e.target.value);
    changed((v) => { v.year = i > 0 ? state.years[i - 1] ?? '' : ''; }, 150);
    syncYear();
  });
  $('cite-btn').addEventListener('click', async () => {
    if (state.view.asOf) {
      state.view.asOf = '';
    } else {
      try {
        const data = await gql('query ExplorerVersion { knowledgeBase { version } }');
        state.view.asOf = String(data.knowledgeBase.version);
      } catch (e) {
        setStatus(e instanceof APIError ? `Error: ${e.message}` : `Error: ${e}`, 'error');
        return;
      }
    }
    writeView(true);
    loadNetwork();
  });
  $('reset').addEventListener('click', () => {
    history.pushState(null, '', location.pathname);
    state.view = readView();
    syncControls();
    loadNetwork();
  });
  $('search').addEventListener('submit', (e) => {
    e.preventDefault();
    state.view.q = $('search-q').value.trim();
    writeView(true);
    runSearch();
  });
  $('path').addEventListener('submit', (e) => {
    e.preventDefault();
    state.view.pathFrom = themeByName($('path-from').value);
    state.view.pathTo = themeByName($('path-to').value);
    writeView(true);
    findPath();
  });
  $('token-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const t = $('token').value.trim();
    if (t) sessionStorage.setItem('teemaverkko-token', t);
    else sessionStorage.removeItem('teemaverkko-token');
    $('token').value = '';
    $('token-state').textContent = t ? 'A token is set for this tab.' : 'No token.';
    start();
  });
  $('token-state').textContent = sessionStorage.getItem('teemaverkko-token') ? 'A token is set for this tab.' : 'No token.';
  window.addEventListener('popstate', () => {
    state.view = readView();
    syncControls();
    loadNetwork();
    runSearch();
    findPath();
  });
}

async function runSearch() {
  const out = $('search-results');
  const q = state.view.q;
  if (!q) {
    out.replaceChildren();
    return;
  }
  out.replaceChildren(el('p', { class: 'muted' }, 'Searching…'));
  try {
    const data = await gql(`query ExplorerSearch($q: String!) { search(query: $q, first: 15) { totalCount
      edges { node { type score snippet node { ${LABELS} } } } } }`, { q });
    const hits = data.search.edges.map((e) => e.node);
    out.replaceChildren(
      el('p', { class: 'muted' }, `${data.search.totalCount} hits${data.search.totalCount > hits.length ? `, the first ${hits.length}` : ''}.`),
      el('ol', { class: 'hits' }, hits.map((h) => el('li', { dataset: { type: h.type } },
        el('span', { class: 'kind' }, h.node.__typename), ' ',
        h.node.__typename === 'Theme'
          ? el('a', { href: '#', onclick: (ev) => { ev.preventDefault(); selectTheme(h.node.id, true); } }, h.node.name)
          : el('span', {}, label(h.node)),
        el('div', { class: 'snippet' }, snippet(h.snippet))))));
  } catch (e) {
    out.replaceChildren(el('p', { class: 'error' }, `Error: ${e.message}`));
  }
}

// snippet renders the API's snippet (HTML-escaped text with <mark> around matches)
// without handing any of it to the HTML parser as markup.
function snippet(s) {
  const parts = s.split(/(<mark>|<\/mark>)/);
  const out = [];
  let marked = false;
  for (const p of parts) {
    if (p === '<mark>') marked = true;
    else if (p === '</mark>') marked = false;
    else if (p) out.push(marked ? el('mark', {}, unescapeHTML(p)) : unescapeHTML(p));
  }
  return out;
}

function unescapeHTML(s) {
  return s.replace(/&(lt|gt|amp|quot|#39|#x27);/g, (_, e) => ({ lt: '<', gt: '>', amp: '&', quot: '"', '#39': "'", '#x27': "'" })[e]);
}

function label(n) {
  switch (n.__typename) {
    case 'Outcome': return n.text;
    case 'Session': case 'Document': return n.title;
    case 'Seminar': return `${n.title} (${n.date})`;
    case 'NetworkTerm': return `term ${n.number} (${n.startYear}–${n.endYear ?? ''})`;
    default: return n.name ?? n.id;
  }
}

async function findPath() {
  const out = $('path-result');
  const { pathFrom, pathTo } = state.view;
  state.cy?.elements().removeClass('path');
  if (!pathFrom || !pathTo) {
    out.replaceChildren($('path-from').value || $('path-to').value ? el('p', { class: 'error' }, 'Pick two themes of the network (the names come from the list).') : '');
    return;
  }
  out.replaceChildren(el('p', { class: 'muted' }, 'Finding chains…'));
  try {
    const data = await gql(`query ExplorerPath($from: ID!, $to: ID!) { connectionPath(from: $from, to: $to, maxHops: 4, maxPaths: 5) {
      length steps { edge from { ${LABELS} } to { ${LABELS} } } } }`, { from: pathFrom, to: pathTo });
    const paths = data.connectionPath;
    if (paths.length === 0) {
      out.replaceChildren(el('p', {}, 'No chain of at most 4 steps.'));
      return;
    }
    out.replaceChildren(el('ol', { class: 'paths' }, paths.map((p) => el('li', {},
      `${p.length} steps: `, label(p.steps[0].from),
      p.steps.map((s) => [el('span', { class: 'edge' }, ` —${s.edge}→ `), el('span', { class: 'kind' }, s.to.__typename), ' ', label(s.to)])))));
    for (const s of paths[0].steps) {
      for (const n of [s.from, s.to]) if (n.__typename === 'Theme') state.cy?.$id(n.id).addClass('path');
    }
  } catch (e) {
    out.replaceChildren(el('p', { class: 'error' }, `Error: ${e.message}`));
  }
}

async function start() {
  state.view = readView();
  updateExportLinks();
  syncControls();
  try {
    await loadOptions();
    syncControls();
  } catch (e) {
    document.body.dataset.state = 'error';
    setStatus(`Error: ${e.message}`, 'error');
    return;
  }
  await loadNetwork();
  runSearch();
  findPath();
}

document.getElementById('boot')?.remove();
wire();
start();
