// Regenerates the API client into a temporary folder and fails when web/src/client differs,
// i.e. when docs/openapi.json changed and `npm run client:generate` was not run.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const current = join(root, 'src', 'client');
const fresh = mkdtempSync(join(tmpdir(), 'athanor-client-'));

function files(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...files(path));
    else out.push(path);
  }
  return out;
}

try {
  execFileSync(join(root, 'node_modules', '.bin', 'openapi-ts'), [], {
    cwd: root,
    env: { ...process.env, OPENAPI_TS_OUTPUT: fresh },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const expected = new Map(files(fresh).map((f) => [relative(fresh, f), readFileSync(f, 'utf8')]));
  const actual = new Map(files(current).map((f) => [relative(current, f), readFileSync(f, 'utf8')]));
  const problems = [];
  for (const [name, text] of expected) {
    if (!actual.has(name)) problems.push(`missing: src/client/${name}`);
    else if (actual.get(name) !== text) problems.push(`stale:   src/client/${name}`);
  }
  for (const name of actual.keys()) {
    if (!expected.has(name)) problems.push(`extra:   src/client/${name}`);
  }
  if (problems.length) {
    console.error('The generated API client is out of date with ../docs/openapi.json:');
    for (const p of problems) console.error(`  ${p}`);
    console.error('Run `npm run client:generate` and commit the result.');
    process.exitCode = 1;
  } else {
    console.log(`API client is up to date (${expected.size} files).`);
  }
} finally {
  rmSync(fresh, { recursive: true, force: true });
}
