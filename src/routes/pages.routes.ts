import { Router } from 'express';
import type { AppContext } from '../context.js';

/** The user page at / and the admin at /admin. Minimal until the pages issue; everything works through /admin/api now. */
export function pageRoutes(_ctx: AppContext): Router {
  const router = Router();
  router.get('/', (req, res) => {
    res.render('index', { baseUrl: `${req.protocol}://${req.get('host')}/v1` });
  });
  router.get('/admin', (_req, res) => {
    res.render('admin');
  });
  return router;
}
