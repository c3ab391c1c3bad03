/** Bare Express 5: `res.json({ status: 'UP' })`, and a plain `server.close()` on SIGTERM. */
import { announce, HOST, portOf, READY_PATH, UP } from './common.js';
import { expressApp } from './express-app.js';

const app = expressApp();
app.get(READY_PATH, (_req, res) => {
  res.json(UP);
});
const server = app.listen(0, HOST, () => announce({ port: portOf(server.address()) }));
process.once('SIGTERM', () => server.close());
