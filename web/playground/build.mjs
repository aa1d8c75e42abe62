// Builds the playground into internal/playground/dist, which the Go server embeds
// (go:embed):
//
//   dist/manifest.json          the entry script and stylesheet, for the page template
//   dist/assets/*-HASH.{js,css,ttf,…}
//
// Every file name carries a content hash, so the server can cache them for a year.
//
// The output is committed, like the code that go generate writes, so that a fresh clone
// serves GraphiQL with no build and no network; CI runs `npm ci && npm run build` and
// fails when the result differs from what is committed. So the build must be
// byte-reproducible from package-lock.json and the sources: esbuild's output depends on
// nothing else (no timestamps, no absolute paths: names are content hashes, and paths
// are relative to this folder), and nothing here adds any. No .gz twins either: the
// server gzips each asset itself on first demand, and zlib's output is not the same
// across Node versions.
import * as esbuild from 'esbuild';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const dist = path.resolve(here, '../../internal/playground/dist');
const assets = path.join(dist, 'assets');

// Start from an empty dist (but keep the committed placeholder).
await mkdir(dist, { recursive: true });
for (const name of await readdir(dist)) {
  if (name !== '.keep') await rm(path.join(dist, name), { recursive: true, force: true });
}

const common = {
  absWorkingDir: here,
  bundle: true,
  minify: true,
  outdir: assets,
  entryNames: '[name]-[hash]',
  assetNames: '[name]-[hash]',
  chunkNames: 'chunk-[hash]',
  metafile: true,
  legalComments: 'none',
  target: ['es2022'],
  logLevel: 'warning',
  define: { 'process.env.NODE_ENV': '"production"' },
};

// Outputs of one build that came from the given entry points, by entry name.
function outputsByEntry(metafile, names) {
  const out = {};
  for (const [file, meta] of Object.entries(metafile.outputs)) {
    if (!meta.entryPoint) continue;
    const name = names[meta.entryPoint];
    if (name) out[name] = path.basename(file);
  }
  return out;
}

// graphiql/style.css already carries Monaco's stylesheet (the same Monaco version), so
// the CSS files Monaco's modules import are left out instead of being bundled twice
// (or split into chunks of CSS that nothing would load).
const monacoCSS = {
  name: 'monaco-css',
  setup(build) {
    build.onLoad({ filter: /[\\/]monaco-editor[\\/]esm[\\/].*\.css$/ }, () => ({ contents: '', loader: 'css' }));
  },
};

// 1. Monaco's web workers, as classic (IIFE) workers.
const workerEntries = {
  editor: 'monaco-editor/esm/vs/editor/editor.worker.js',
  json: 'monaco-editor/esm/vs/language/json/json.worker.js',
  graphql: 'monaco-graphql/esm/graphql.worker.js',
};
const workerBuild = await esbuild.build({
  ...common,
  entryPoints: Object.entries(workerEntries).map(([name, file]) => ({ in: file, out: `${name}.worker` })),
  format: 'iife',
});
const workerInputs = {};
for (const [name, file] of Object.entries(workerEntries)) {
  workerInputs[path.relative(here, require_resolve(file))] = name;
}
const workers = outputsByEntry(workerBuild.metafile, workerInputs);
for (const name of Object.keys(workerEntries)) {
  if (!workers[name]) throw new Error(`worker ${name} was not built`);
}

// 2. The page script (an ES module, split so that prettier and graphql-ws load lazily)
//    and its stylesheet.
const mainBuild = await esbuild.build({
  ...common,
  entryPoints: [{ in: 'src/main.jsx', out: 'main' }],
  format: 'esm',
  splitting: true,
  jsx: 'automatic',
  loader: { '.ttf': 'file', '.woff': 'file', '.woff2': 'file', '.svg': 'file', '.png': 'file' },
  define: { ...common.define, __WORKERS__: JSON.stringify(workers) },
  plugins: [monacoCSS],
});
let script, style;
for (const [file, meta] of Object.entries(mainBuild.metafile.outputs)) {
  if (meta.entryPoint !== 'src/main.jsx') continue;
  script = path.basename(file);
  if (meta.cssBundle) style = path.basename(meta.cssBundle);
}
if (!script || !style) throw new Error('the page script or stylesheet was not built');

const manifest = { script: `assets/${script}`, style: `assets/${style}`, workers };
await writeFile(path.join(dist, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');

// 3. Drop the empty CSS chunks (see monacoCSS) that nothing loads, and report the size.
let bytes = 0;
let files = 0;
for (const name of await readdir(assets)) {
  const data = await readFile(path.join(assets, name));
  if (data.length === 0 && name.endsWith('.css')) {
    await rm(path.join(assets, name));
    continue;
  }
  bytes += data.length;
  files++;
}
console.log(`playground built into ${path.relative(process.cwd(), dist) || dist}: ${files} files, ${(bytes / 1e6).toFixed(1)} MB`);

function require_resolve(spec) {
  return fileURLToPath(import.meta.resolve(spec));
}
