import { defineHealthTsup } from '../../tsup.config.base.js';

export default defineHealthTsup({ index: 'src/index.ts' });
