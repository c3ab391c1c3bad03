import { defineHealthTsup } from '../../tsup.config.base.js';

export default defineHealthTsup({
  index: 'src/index.ts',
  prometheus: 'src/prometheus.ts',
  opentelemetry: 'src/opentelemetry.ts',
});
