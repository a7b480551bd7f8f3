import path from 'node:path';

/*
 * `portcullis/layers`: which folder may import which (docs/architecture.md). Every import of a file is
 * resolved (the `@/` alias and relative paths alike, so that `../audit` cannot slip past a rule written for
 * `@/lib/audit`) to a path from the project root and held against each zone the file is in:
 *
 *   { from: ['lib/auth/'], allow: ['lib/auth/', 'db/', ...], why }   only these may be imported
 *   { from: ['lib/cli/'], forbid: ['db/'], why }                      these may not (with `allow`: not even these)
 *   { ..., typesFrom: ['lib/session/'] }                              except `import type` from these
 *   { ..., except: ['lib/session/'] }                                 files of `from` the zone leaves out
 *
 * A prefix ending in "/" is a folder; without it, a module (`lib/env` is lib/env.ts, not lib/env-x.ts).
 * Packages (`zod`, `node:fs`) are never restricted here.
 */

const EXTENSION = /\.(?:ts|tsx|mts|mjs|js|json)$/;

/** Whether the root-relative module path `target` (no extension) is in `prefix`. */
export function within(target, prefix) {
  if (prefix.endsWith('/')) return target.startsWith(prefix) || target === prefix.slice(0, -1);
  return target === prefix || target.startsWith(`${prefix}/`);
}

/** The root-relative path (no extension) an import specifier names, or null for a package. */
export function resolveImport(root, filename, specifier) {
  let absolute;
  if (specifier.startsWith('@/')) absolute = path.join(root, specifier.slice(2));
  else if (specifier.startsWith('.')) absolute = path.resolve(path.dirname(filename), specifier);
  else return null;
  return path.relative(root, absolute).split(path.sep).join('/').replace(EXTENSION, '').replace(/\/index$/, '');
}

/** @type {import('eslint').Rule.RuleModule} */
const rule = {
  meta: {
    type: 'problem',
    docs: { description: 'Keep imports pointing down the layers of docs/architecture.md' },
    schema: [
      {
        type: 'object',
        properties: {
          root: { type: 'string' },
          zones: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                from: { type: 'array', items: { type: 'string' } },
                except: { type: 'array', items: { type: 'string' } },
                allow: { type: 'array', items: { type: 'string' } },
                forbid: { type: 'array', items: { type: 'string' } },
                typesFrom: { type: 'array', items: { type: 'string' } },
                why: { type: 'string' },
              },
              required: ['from', 'why'],
              additionalProperties: false,
            },
          },
        },
        required: ['zones'],
        additionalProperties: false,
      },
    ],
    messages: { layer: '{{file}} may not import {{target}}: {{why}} (docs/architecture.md)' },
  },
  create(context) {
    const { root = context.cwd, zones } = context.options[0];
    const file = path.relative(root, context.filename).split(path.sep).join('/');
    const self = file.replace(EXTENSION, '');
    const mine = zones.filter((z) => z.from.some((p) => within(self, p)) && !(z.except ?? []).some((p) => within(self, p)));
    if (mine.length === 0) return {};
    const check = (node, specifier, typeOnly) => {
      if (typeof specifier !== 'string') return;
      const target = resolveImport(root, context.filename, specifier);
      if (target === null) return;
      for (const zone of mine) {
        const refused = (zone.allow !== undefined && !zone.allow.some((p) => within(target, p))) || (zone.forbid ?? []).some((p) => within(target, p));
        if (!refused) continue;
        if (typeOnly && (zone.typesFrom ?? []).some((p) => within(target, p))) continue;
        context.report({ node, messageId: 'layer', data: { file, target, why: zone.why } });
        return;
      }
    };
    const allTypes = (node) => node.specifiers.length > 0 && node.specifiers.every((s) => s.importKind === 'type' || s.exportKind === 'type');
    return {
      ImportDeclaration(node) {
        check(node.source, node.source.value, node.importKind === 'type' || allTypes(node));
      },
      ExportNamedDeclaration(node) {
        if (node.source) check(node.source, node.source.value, node.exportKind === 'type' || allTypes(node));
      },
      ExportAllDeclaration(node) {
        check(node.source, node.source.value, node.exportKind === 'type');
      },
      ImportExpression(node) {
        if (node.source.type === 'Literal') check(node.source, node.source.value, false);
      },
    };
  },
};

export default rule;
