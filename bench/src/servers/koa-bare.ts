/** Bare Koa 3: a middleware answering `ctx.body = { status: 'UP' }`, and `server.close()` on SIGTERM. */
import { announce, HOST, portOf, READY_PATH, UP } from './common.js';
import { appRoutes, koaApp } from './koa-app.js';

const app = koaApp();
app.use(async (ctx, next) => {
  if (ctx.path === READY_PATH) ctx.body = UP;
  else await next();
});
app.use(appRoutes);
const server = app.listen(0, HOST, () => announce({ port: portOf(server.address()) }));
process.once('SIGTERM', () => server.close());
