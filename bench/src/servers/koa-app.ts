/** The Koa app every Koa scenario starts from: the two app routes as the last middleware. */
import Koa from 'koa';
import { slowMs } from './common.js';

export function koaApp(): Koa {
  return new Koa();
}

/** The app routes; mount after the health middleware. */
export const appRoutes: Koa.Middleware = async (ctx) => {
  if (ctx.path === '/app/ok') {
    ctx.body = 'ok';
  } else if (ctx.path === '/app/slow') {
    await new Promise((resolve) => setTimeout(resolve, slowMs(ctx.url)));
    ctx.body = 'slow';
  }
};
