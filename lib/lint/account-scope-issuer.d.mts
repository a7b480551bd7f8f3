import type { Rule } from 'eslint';

declare const plugin: { rules: { 'account-scope-issuer': Rule.RuleModule } };
export default plugin;
