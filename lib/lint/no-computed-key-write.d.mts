import type { Rule } from 'eslint';

declare const plugin: { rules: { 'no-computed-key-write': Rule.RuleModule } };
export default plugin;
