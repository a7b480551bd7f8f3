import ts from 'typescript';

/*
 * Flags writes through a computed key that the type checker cannot show to be harmless:
 * `x[k] = v`, `x[k] ??= {}`, `x[k].y = v`, `x[k]++`. With `k = "__proto__"` on a plain object the first
 * reads and writes Object.prototype, and the last two then change it for the whole process (issue 18).
 *
 * Not flagged, because no key from input can name a prototype there: arrays, tuples and typed arrays, a
 * key whose type is a number, and a key whose type is a closed set of string literals (`'label' | 'expires'`).
 * Everything else is a Map (`.set`), a null-prototype object, or an `eslint-disable-next-line` with the
 * reason the key cannot come from input.
 */

const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

function isClosedKey(type) {
  if (type.isStringLiteral()) return !PROTOTYPE_KEYS.has(type.value);
  if (type.flags & (ts.TypeFlags.NumberLike | ts.TypeFlags.ESSymbolLike | ts.TypeFlags.BooleanLike | ts.TypeFlags.EnumLiteral)) return true;
  if (type.isUnion()) return type.types.every(isClosedKey);
  return false;
}

function isIndexedCollection(checker, type) {
  if (type.isUnion()) return type.types.every((t) => isIndexedCollection(checker, t));
  if (checker.isArrayType(type) || checker.isTupleType(type)) return true;
  const name = type.getSymbol()?.getName();
  return name !== undefined && /^(?:Uint8|Uint8Clamped|Int8|Uint16|Int16|Uint32|Int32|Float32|Float64|BigInt64|BigUint64)Array$/.test(name);
}

/** @type {import('eslint').Rule.RuleModule} */
const rule = {
  meta: {
    type: 'problem',
    docs: { description: 'Disallow writes through computed keys on plain objects (prototype pollution)' },
    schema: [],
    messages: {
      write:
        'A write through a computed key on a plain object: a key such as "__proto__" reaches Object.prototype. Use a Map (or Object.create(null) and refuse __proto__/constructor/prototype), or disable this line with the reason the key cannot come from input.',
    },
  },
  create(context) {
    const services = context.sourceCode.parserServices;
    const checker = services?.program?.getTypeChecker();
    const typeOf = (node) => (checker ? checker.getTypeAtLocation(services.esTreeNodeToTSNodeMap.get(node)) : null);
    const harmless = (member) => {
      if (member.property.type === 'Literal') return typeof member.property.value !== 'string' || !PROTOTYPE_KEYS.has(member.property.value);
      if (!checker) return false;
      return isClosedKey(typeOf(member.property)) || isIndexedCollection(checker, typeOf(member.object));
    };
    const check = (target) => {
      // The target itself and every computed member it is reached through (`x[k].label = v`).
      for (let node = target; node && node.type === 'MemberExpression'; node = node.object) {
        if (node.computed && !harmless(node)) {
          context.report({ node, messageId: 'write' });
          return;
        }
      }
    };
    return {
      AssignmentExpression(node) {
        check(node.left);
      },
      UpdateExpression(node) {
        check(node.argument);
      },
    };
  },
};

const plugin = { rules: { 'no-computed-key-write': rule } };
export default plugin;
