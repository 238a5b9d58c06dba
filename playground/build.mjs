// Builds the playground into assets/ (committed; the agora binary embeds it, so running Agora
// needs no Node): `npm ci && npm run build`. assets/build-stamp.json records the SHA-256 of every
// input, and an API test (tests/api/playground.rs) fails when the committed build is stale.
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';

const OUT = 'assets';
// The inputs the stamp covers (paths relative to playground/); sorted, as the test reads them.
const inputs = ['build.mjs', 'index.html', 'package-lock.json', 'package.json', ...readdirSync('src').map((f) => `src/${f}`)].sort();

rmSync(OUT, { recursive: true, force: true });
mkdirSync(OUT);
const result = await build({
  entryPoints: { playground: 'src/main.jsx' },
  bundle: true,
  format: 'esm',
  minify: true,
  target: ['es2022'],
  outdir: OUT,
  jsx: 'automatic',
  define: { 'process.env.NODE_ENV': '"production"' },
  legalComments: 'linked',
  logLevel: 'info',
  metafile: true,
});
copyFileSync('index.html', `${OUT}/index.html`);

// Nothing in the bundle may load from another host (the page's CSP would block it anyway).
for (const file of Object.keys(result.metafile.outputs)) {
  const text = readFileSync(file, 'utf8');
  for (const m of text.matchAll(/(?:src|href)\s*=\s*["'](https?:)?\/\/[^"']+/g)) {
    throw new Error(`${file} loads from another host: ${m[0]}`);
  }
}

const sha256 = (path) => createHash('sha256').update(readFileSync(path)).digest('hex');
const stamp = { inputs: Object.fromEntries(inputs.map((p) => [p, sha256(p)])) };
writeFileSync(`${OUT}/build-stamp.json`, `${JSON.stringify(stamp, null, 2)}\n`);
console.log(`playground built into ${OUT}/`);
