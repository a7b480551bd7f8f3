import type { Rule } from 'eslint';

declare const rule: Rule.RuleModule;
export default rule;
export function within(target: string, prefix: string): boolean;
export function resolveImport(root: string, filename: string, specifier: string): string | null;
