// Asks sqlparser-rs (the parser Prisma >= 7.4 splits migration.sql with; the
// npm package @guanmingchiu/sqlparser-ts is sqlparser-rs 0.62 as WASM) which
// migration files it cannot parse. Prisma sends such a file as one query, in
// one implicit transaction, instead of statement by statement.
//
//   node scripts/sqlparser-oracle.mjs ROOT DIR... > execution/testdata/sqlparser-oracle.json
//
// Each DIR below ROOT is searched for *.sql files; paths are printed
// relative to ROOT. Run it
// with the package installed: npm install --prefix /tmp/oracle @guanmingchiu/sqlparser-ts@0.62.0
// and NODE_PATH=/tmp/oracle/node_modules. Its output is the golden file
// execution's tests compare the Go model with.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { createRequire } from "node:module";

const require = createRequire(join(process.env.NODE_PATH || process.cwd(), "x"));
const { init, parse } = await import(require.resolve("@guanmingchiu/sqlparser-ts"));
await init();

function walk(dir, out) {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    const st = statSync(p);
    if (st.isDirectory()) walk(p, out);
    else if (name.endsWith(".sql")) out.push(p);
  }
  return out;
}

const [root, ...dirs] = process.argv.slice(2);
const failures = {};
let files = 0;
for (const p of dirs.flatMap((d) => walk(join(root, d), []))) {
  files++;
  try {
    parse(readFileSync(p, "utf8"), "postgresql");
  } catch (e) {
    failures[relative(root, p)] = String(e.message || e).split("\n")[0];
  }
}
process.stdout.write(JSON.stringify({ sqlparser: "0.62.0", files, failures }, null, 1) + "\n");
