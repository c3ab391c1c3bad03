import type { BenchResults } from '../run.js';
export function renderMarkdown(results: BenchResults): string {
  return `# Benchmarks\n\n${JSON.stringify(results.throughput)}\n`;
}
