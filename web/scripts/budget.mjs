// Fails when the initial JavaScript (the entry chunk and everything it imports statically),
// gzipped, exceeds the budget; prints the gzipped size of every lazily loaded chunk.
// Run after `npm run build`.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const BUDGET_KB = Number(process.env.ATHANOR_JS_BUDGET_KB ?? 200);
const dist = fileURLToPath(new URL('../dist', import.meta.url));
const manifestPath = join(dist, '.vite', 'manifest.json');
if (!existsSync(manifestPath)) {
  console.error('dist/.vite/manifest.json is missing: run `npm run build` first.');
  process.exit(1);
}
const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
const gz = (file) => gzipSync(readFileSync(join(dist, file)), { level: 9 }).length;
const kb = (bytes) => `${(bytes / 1024).toFixed(1).padStart(7)} KB`;

const entryKey = Object.keys(manifest).find((k) => manifest[k].isEntry);
if (!entryKey) {
  console.error('No entry chunk in the manifest.');
  process.exit(1);
}

/** The chunk keys reachable from `key` through static imports. */
function staticClosure(key, seen = new Set()) {
  if (seen.has(key)) return seen;
  seen.add(key);
  for (const dep of manifest[key].imports ?? []) staticClosure(dep, seen);
  return seen;
}

const initial = staticClosure(entryKey);
const initialFiles = [...initial].map((k) => manifest[k].file);
// The UI cannot render before one language catalog has loaded (a dynamic import at start):
// count the largest one, so the budget holds in every language.
const catalogs = Object.keys(manifest).filter((k) => /src\/locales\/[^/]+\.json$/.test(manifest[k].src ?? k));
const largestCatalog = catalogs.map((k) => manifest[k].file).sort((a, b) => gz(b) - gz(a))[0];
if (largestCatalog) initialFiles.push(largestCatalog);
const initialBytes = initialFiles.reduce((sum, f) => sum + gz(f), 0);
const initialCss = [...initial].flatMap((k) => manifest[k].css ?? []);
const cssBytes = [...new Set(initialCss)].reduce((sum, f) => sum + gz(f), 0);

console.log('Initial load (gzipped)');
for (const f of initialFiles) console.log(`  ${kb(gz(f))}  ${f}${f === largestCatalog ? '  (largest language catalog)' : ''}`);
console.log(`  ${kb(initialBytes)}  total JavaScript (budget ${BUDGET_KB} KB)`);
console.log(`  ${kb(cssBytes)}  total CSS`);

// Every dynamically imported chunk: its own size, and what it adds beyond the initial load.
const lazy = Object.keys(manifest).filter((k) => manifest[k].isDynamicEntry);
console.log('\nLazy chunks (gzipped: own size / added on first load)');
const rows = lazy.map((k) => {
  const extra = [...staticClosure(k)].filter((d) => !initial.has(d)).map((d) => manifest[d].file);
  const added = [...new Set(extra)].reduce((sum, f) => sum + gz(f), 0);
  return { name: manifest[k].src ?? k, own: gz(manifest[k].file), added };
});
rows.sort((a, b) => a.name.localeCompare(b.name));
for (const r of rows) console.log(`  ${kb(r.own)} / ${kb(r.added)}  ${r.name}`);

if (initialBytes > BUDGET_KB * 1024) {
  console.error(`\nFAIL: initial JavaScript is ${(initialBytes / 1024).toFixed(1)} KB gzipped, over the ${BUDGET_KB} KB budget.`);
  process.exit(1);
}
console.log(`\nOK: initial JavaScript ${(initialBytes / 1024).toFixed(1)} KB <= ${BUDGET_KB} KB.`);
