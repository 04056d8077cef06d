import { Router } from 'express';

/** `/healthz`: the process is alive and serving HTTP; whether it can take input is `/readyz`. */
export function healthRouter(): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  return router;
}
