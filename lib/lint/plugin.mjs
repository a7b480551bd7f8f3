// The project's own ESLint rules, one plugin (`portcullis/...`) for eslint.config.mjs.
import computedKeys from './no-computed-key-write.mjs';
import layers from './layers.mjs';

const plugin = { rules: { ...computedKeys.rules, layers } };
export default plugin;
