import { defineHealthTsup } from '../../tsup.config.base.js';

// `bin` is the `health` executable (ESM, shebang kept from the source); `index` the programmatic API.
export default defineHealthTsup({ index: 'src/index.ts', bin: 'src/bin.ts' });
