/*
 * Scope as proof (issue 19): an account scope may only be issued by the session layer, after a session
 * passed its checks. Flags, outside lib/session/ (and tests, fixtures and benchmarks, which make their
 * own):
 *  - any import of the issuer module (lib/session/account-scope), static or dynamic;
 *  - a type assertion to AccountScope or Scope (`x as AccountScope`, `<Scope>x`), the other way to forge one.
 */

const ISSUER = /(?:^|\/)session\/account-scope(?:\.[cm]?[jt]s)?$/;
const SCOPE_TYPES = new Set(['AccountScope', 'Scope']);

function allowedFile(filename) {
  const f = filename.replaceAll('\\', '/');
  return /(?:^|\/)lib\/session\//.test(f) || /\.test\.tsx?$/.test(f) || /(?:^|\/)lib\/testing\//.test(f) || /(?:^|\/)bench\//.test(f);
}

/** @type {import('eslint').Rule.RuleModule} */
const rule = {
  meta: {
    type: 'problem',
    docs: { description: 'Only lib/session/ may issue an account scope.' },
    messages: {
      import: 'Only lib/session/ may issue an account scope: take the scope from the session (requireAdmin, requireMailbox, the API session).',
      cast: 'An account scope is proof of a checked session and cannot be made by a type assertion: take it from the session layer.',
    },
    schema: [],
  },
  create(context) {
    if (allowedFile(context.filename)) return {};
    const checkSource = (node, source) => {
      if (source && source.type === 'Literal' && typeof source.value === 'string' && ISSUER.test(source.value)) context.report({ node, messageId: 'import' });
    };
    const checkCast = (node) => {
      const t = node.typeAnnotation;
      if (t && t.type === 'TSTypeReference' && t.typeName.type === 'Identifier' && SCOPE_TYPES.has(t.typeName.name)) context.report({ node, messageId: 'cast' });
    };
    return {
      ImportDeclaration: (node) => checkSource(node, node.source),
      ExportNamedDeclaration: (node) => checkSource(node, node.source),
      ExportAllDeclaration: (node) => checkSource(node, node.source),
      ImportExpression: (node) => checkSource(node, node.source),
      TSAsExpression: checkCast,
      TSTypeAssertion: checkCast,
      TSSatisfiesExpression: checkCast,
    };
  },
};

const plugin = { rules: { 'account-scope-issuer': rule } };
export default plugin;
