/** The Express app every Express scenario starts from: the two app routes. */
import express, { type Express } from 'express';
import { slowMs } from './common.js';

export function expressApp(): Express {
  const app = express();
  app.get('/app/ok', (_req, res) => {
    res.type('text/plain').send('ok');
  });
  app.get('/app/slow', (req, res) => {
    setTimeout(() => res.type('text/plain').send('slow'), slowMs(req.url));
  });
  return app;
}
