/**
 * Preloaded into each soaked service (`node --expose-gc --import`): on the soak's IPC request it
 * runs a full GC and reports the heap, so heap growth is measured after GC, inside the real process.
 */
process.on('message', (message) => {
  if (message !== 'sample') return;
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  gc?.();
  const { heapUsed, rss, external } = process.memoryUsage();
  process.send?.({ heapUsed, rss, external, gc: typeof gc === 'function' });
});
// The IPC channel must not keep the service alive: shutdown proves it can exit by itself.
process.channel?.unref();
