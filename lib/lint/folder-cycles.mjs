import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/*
 * Import cycles between the folders of lib/ (and db/, app/, server.ts, proxy.ts): docs/architecture.md draws
 * the layers, the layer rule in eslint.config.mjs keeps each folder's imports pointing down, and this finds
 * what a rule written per folder cannot see, two folders that import each other, however indirectly.
 *
 * A unit is a folder of lib/ (`lib/auth`), a file directly in lib/ (`lib/audit`), or `db`, `app`, `server`,
 * `proxy`. Only code that runs counts: test files, lib/testing (the tests' own wiring) and lib/lint are left
 * out, and so are type-only imports (`import type`, or every name marked `type`), which TypeScript erases;
 * where a type import matters for layering (a service taking the session's scope type), the layer rule
 * says so.
 *
 *   node lib/lint/folder-cycles.mjs [ROOT]   prints each cycle with one importing file per edge; exit 1 if any
 *
 * lib/lint/folder-cycles.test.ts runs it on the tree (so `npm test` fails on a new cycle).
 */

const SOURCE = /\.(?:ts|tsx|mts|mjs)$/;
const SKIPPED_FILES = /\.test\.ts$|\.d\.mts$|\.d\.ts$/;
const SKIPPED_FOLDERS = new Set(['node_modules', '.next', 'lib/testing', 'lib/lint']);

function sourceFiles(root) {
  const out = [];
  const walk = (rel) => {
    for (const entry of fs.readdirSync(path.join(root, rel), { withFileTypes: true })) {
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (!SKIPPED_FOLDERS.has(child) && !SKIPPED_FOLDERS.has(entry.name)) walk(child);
      } else if (SOURCE.test(entry.name) && !SKIPPED_FILES.test(entry.name)) {
        out.push(child);
      }
    }
  };
  for (const top of ['lib', 'db', 'app']) if (fs.existsSync(path.join(root, top))) walk(top);
  for (const file of ['server.ts', 'proxy.ts']) if (fs.existsSync(path.join(root, file))) out.push(file);
  return out;
}

/** The unit a root-relative path belongs to, or null outside the graph. */
export function unitOf(rel) {
  const parts = rel.split('/');
  if (parts[0] === 'lib' && parts.length >= 2) {
    const unit = `lib/${parts[1].replace(/\.(?:ts|tsx|mts|mjs|json)$/, '')}`;
    return SKIPPED_FOLDERS.has(unit) ? null : unit;
  }
  if (parts[0] === 'db' || parts[0] === 'app') return parts[0];
  if (parts.length === 1 && /^(?:server|proxy)(?:\.ts)?$/.test(parts[0])) return parts[0].replace(/\.ts$/, '');
  return null;
}

/** The module specifiers of a file's imports that run (value imports, re-exports, import() calls). */
export function runtimeImports(text, fileName = 'file.ts') {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, false, fileName.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const out = [];
  const visit = (node) => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const typeOnly =
        clause?.isTypeOnly ||
        (clause && !clause.name && clause.namedBindings && ts.isNamedImports(clause.namedBindings) && clause.namedBindings.elements.length > 0 && clause.namedBindings.elements.every((e) => e.isTypeOnly));
      if (!typeOnly) out.push(node.moduleSpecifier.text);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      const typeOnly = node.isTypeOnly || (node.exportClause && ts.isNamedExports(node.exportClause) && node.exportClause.elements.length > 0 && node.exportClause.elements.every((e) => e.isTypeOnly));
      if (!typeOnly) out.push(node.moduleSpecifier.text);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0] && ts.isStringLiteral(node.arguments[0])) {
      out.push(node.arguments[0].text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return out;
}

/** Root-relative target of `specifier` imported from `fromRel`, or null for a package. */
function resolve(fromRel, specifier) {
  if (specifier.startsWith('@/')) return path.posix.normalize(specifier.slice(2));
  if (specifier.startsWith('.')) return path.posix.normalize(path.posix.join(path.posix.dirname(fromRel), specifier));
  return null;
}

/** Map of "from -> to" unit edges to the files that make them. */
export function folderGraph(root) {
  const unit = unitOf;
  const edges = new Map();
  for (const rel of sourceFiles(root)) {
    const from = unit(rel);
    if (!from) continue;
    for (const specifier of runtimeImports(fs.readFileSync(path.join(root, rel), 'utf8'), rel)) {
      const target = resolve(rel, specifier);
      const to = target === null ? null : unit(target);
      if (!to || to === from) continue;
      const key = `${from} -> ${to}`;
      if (!edges.has(key)) edges.set(key, new Set());
      edges.get(key).add(rel);
    }
  }
  return edges;
}

/**
 * The cycles of the graph: each strongly connected component of more than one unit (Tarjan), as its units
 * sorted and the edges inside it, each with the first file (alphabetically) that makes it.
 */
export function folderCycles(edges) {
  const next = new Map();
  for (const key of edges.keys()) {
    const [from, to] = key.split(' -> ');
    if (!next.has(from)) next.set(from, []);
    if (!next.has(to)) next.set(to, []);
    next.get(from).push(to);
  }
  const index = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const components = [];
  let counter = 0;
  const strongConnect = (v) => {
    index.set(v, counter);
    low.set(v, counter);
    counter++;
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v)) {
      if (!index.has(w)) {
        strongConnect(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v), index.get(w)));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component = [];
      let w;
      do {
        w = stack.pop();
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) components.push(component.sort());
    }
  };
  for (const v of [...next.keys()].sort()) if (!index.has(v)) strongConnect(v);
  return components
    .map((units) => ({
      units,
      edges: [...edges.entries()]
        .filter(([key]) => {
          const [from, to] = key.split(' -> ');
          return units.includes(from) && units.includes(to);
        })
        .map(([key, files]) => `${key} (${[...files].sort()[0]})`)
        .sort(),
    }))
    .sort((a, b) => a.units.join().localeCompare(b.units.join()));
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  const cycles = folderCycles(folderGraph(path.resolve(process.argv[2] ?? '.')));
  for (const cycle of cycles) console.log(`cycle: ${cycle.units.join(', ')}\n  ${cycle.edges.join('\n  ')}`);
  if (cycles.length === 0) console.log('no import cycles between folders');
  process.exit(cycles.length === 0 ? 0 : 1);
}
