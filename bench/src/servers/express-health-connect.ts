/**
 * @cloudnative/health-connect on Express as its README shows: a `HealthChecker` with one
 * `ReadinessCheck`, `app.use(path, ReadinessEndpoint(checker))`, and a `ShutdownCheck` that
 * closes the server on SIGTERM.
 */
import health from '@cloudnative/health-connect';
import { announce, countedCheck, drainMs, HOST, portOf, READY_PATH } from './common.js';
import { expressApp } from './express-app.js';

const checker = new health.HealthChecker();
checker.registerReadinessCheck(new health.ReadinessCheck('dependency', () => countedCheck()));
const app = expressApp();
app.use(READY_PATH, health.ReadinessEndpoint(checker));
const server = app.listen(0, HOST, () => announce({ port: portOf(server.address()) }));
checker.registerShutdownCheck(
  new health.ShutdownCheck(
    'server',
    () =>
      new Promise<void>((resolve) => {
        setTimeout(() => server.close(() => resolve()), drainMs);
      }),
  ),
);
