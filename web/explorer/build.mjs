// Builds the explorer into internal/explorer/dist, which the Go server embeds
// (go:embed):
//
//   dist/manifest.json          the entry script and stylesheet, for the page template
//   dist/assets/main-HASH.{js,css}
//
// Every file name carries a content hash, so the server can cache them for a year.
//
// As with web/playground, the output is committed and CI rebuilds it (npm ci && npm run
// build) and fails when it differs, so the build must be byte-reproducible from
// package-lock.json and the sources: esbuild's output depends on nothing else (no
// timestamps, no absolute paths), and nothing here adds any.
import * as esbuild from 'esbuild';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const dist = path.resolve(here, '../../internal/explorer/dist');
const assets = path.join(dist, 'assets');

// Start from an empty dist (but keep the committed placeholder).
await mkdir(dist, { recursive: true });
for (const name of await readdir(dist)) {
  if (name !== '.keep') await rm(path.join(dist, name), { recursive: true, force: true });
}

const result = await esbuild.build({
  absWorkingDir: here,
  entryPoints: [{ in: 'src/main.js', out: 'main' }],
  bundle: true,
  minify: true,
  format: 'esm',
  outdir: assets,
  entryNames: '[name]-[hash]',
  assetNames: '[name]-[hash]',
  metafile: true,
  legalComments: 'none',
  target: ['es2022'],
  logLevel: 'warning',
  define: { 'process.env.NODE_ENV': '"production"' },
});
let script, style;
for (const [file, meta] of Object.entries(result.metafile.outputs)) {
  if (meta.entryPoint !== 'src/main.js') continue;
  script = path.basename(file);
  if (meta.cssBundle) style = path.basename(meta.cssBundle);
}
if (!script || !style) throw new Error('the page script or stylesheet was not built');
const manifest = { script: `assets/${script}`, style: `assets/${style}` };
await writeFile(path.join(dist, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');

let bytes = 0;
let files = 0;
for (const name of await readdir(assets)) {
  bytes += (await readFile(path.join(assets, name))).length;
  files++;
}
console.log(`explorer built into ${path.relative(process.cwd(), dist) || dist}: ${files} files, ${(bytes / 1e3).toFixed(0)} kB`);
