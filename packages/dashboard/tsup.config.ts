import { defineHealthTsup } from '../../tsup.config.base.js';

// `bin` is the `health-dashboard` fleet executable (ESM, shebang kept); `index` the API.
export default defineHealthTsup({ index: 'src/index.ts', bin: 'src/bin.ts' });
