import type { BenchResults } from '../run.js';
export function renderChart(_results: BenchResults): string {
  return '<svg xmlns="http://www.w3.org/2000/svg"/>';
}
