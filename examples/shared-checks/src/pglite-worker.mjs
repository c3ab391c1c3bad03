// Runs PGlite on its own thread: its WASM start-up blocks for seconds, which on the main thread
// would leave every probe unanswered while the service is STARTING. Protocol: the parent posts
// { id, sql } or { id, close: true }; the worker answers { id, result } or { id, error }.
import { parentPort } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';

const opening = PGlite.create();
opening.then(
  () => parentPort.postMessage({ ready: true }),
  (error) => parentPort.postMessage({ ready: false, error: String(error?.stack ?? error) }),
);
parentPort.on('message', async ({ id, sql, close }) => {
  try {
    const db = await opening;
    if (close) {
      await db.close();
      parentPort.postMessage({ id, result: null });
      parentPort.close();
      return;
    }
    const { rows, fields, affectedRows } = await db.query(sql);
    parentPort.postMessage({ id, result: { rows, fields, affectedRows } });
  } catch (error) {
    parentPort.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
});
