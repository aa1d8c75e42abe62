// The Teemaverkko playground: GraphiQL 5, bundled by build.mjs into
// internal/playground/dist and served by the Go server under a strict
// Content-Security-Policy. Everything it loads comes from the server itself.
//
// The page (rendered by internal/playground) carries its configuration in a JSON data
// block, <script type="application/json" id="teemaverkko-config">, which CSP does not
// treat as script:
//
//   { "endpoint": "/graphql", "tabs": [{ "query": "…" }, …] }
import { createRoot } from 'react-dom/client';
import { GraphiQL } from 'graphiql';
import { createGraphiQLFetcher } from '@graphiql/toolkit';
import 'graphiql/style.css';
import './playground.css';

// Monaco runs its language services in web workers. They are bundled next to this
// script (build.mjs defines __WORKERS__ as their file names) and loaded from the same
// origin, so CSP's worker-src (falling back to script-src 'self') allows them.
const workers = __WORKERS__;
globalThis.MonacoEnvironment = {
  getWorker(_workerId, label) {
    const name = workers[label] ?? workers.editor;
    return new Worker(new URL(name, import.meta.url), { name: label });
  },
};

function readConfig() {
  const el = document.getElementById('teemaverkko-config');
  try {
    return el ? JSON.parse(el.textContent) : {};
  } catch (err) {
    console.warn('teemaverkko: unreadable playground config', err);
    return {};
  }
}

const config = readConfig();
const url = new URL(config.endpoint || '/graphql', location.href);
const subscriptionUrl = new URL(url);
subscriptionUrl.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';

const fetcher = createGraphiQLFetcher({
  url: url.toString(),
  // Subscriptions go over graphql-transport-ws (graphql-ws); the headers editor's
  // headers are sent as the connection's init payload.
  subscriptionUrl: subscriptionUrl.toString(),
});

const tabs = Array.isArray(config.tabs) ? config.tabs : [];

// Should GraphiQL fail to start, the page says so (and why) instead of staying blank.
function showError(err) {
  console.error('teemaverkko: GraphiQL failed', err);
  const box = document.createElement('div');
  box.className = 'teemaverkko-boot';
  const title = document.createElement('p');
  title.innerHTML = '<strong>GraphiQL failed to start.</strong> The API itself answers at <code></code>.';
  title.querySelector('code').textContent = url.pathname;
  const detail = document.createElement('pre');
  detail.textContent = String(err?.stack || err);
  box.append(title, detail);
  root.replaceChildren(box);
}

const root = document.getElementById('graphiql');
root.textContent = '';
try {
  createRoot(root, { onUncaughtError: showError }).render(
    <GraphiQL
      fetcher={fetcher}
      defaultTabs={tabs.length ? tabs : undefined}
      defaultQuery={tabs.length ? tabs[0].query : undefined}
      isHeadersEditorEnabled
      defaultEditorToolsVisibility="headers"
    />,
  );
} catch (err) {
  showError(err);
}
