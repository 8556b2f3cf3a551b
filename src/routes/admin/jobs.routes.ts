import { Router } from 'express';
import { z } from 'zod';
import { adminOnly } from '../../auth/admin-guard.js';
import { notFound } from '../../http-error.js';
import type { JobProgress, JobRegistry } from '../../jobs/job-registry.js';
import { parseInput } from '../../middleware/validate.js';

const HEARTBEAT_MS = 15_000;
const jobParams = z.object({ id: z.string().max(100) });

export type JobsRoutesDeps = { jobs: Pick<JobRegistry, 'get'> };

/** GET /jobs/:id (a snapshot) and GET /jobs/:id/events (the same progress as Server-Sent Events). */
export function jobsRoutes({ jobs }: JobsRoutesDeps): Router {
  const router = Router();
  const findJob = (id: string) => {
    const job = jobs.get(id);
    if (!job) throw notFound('job-not-found', `No job with id ${id}.`);
    return job;
  };

  router.get('/jobs/:id', adminOnly, (req, res) => {
    res.json(findJob(parseInput(jobParams, req.params).id).progress);
  });

  router.get('/jobs/:id/events', adminOnly, (req, res) => {
    const job = findJob(parseInput(jobParams, req.params).id);
    res.set({
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      'X-Accel-Buffering': 'no',
    });
    res.flushHeaders();
    const send = (progress: JobProgress) => {
      const event = progress.state === 'running' ? 'progress' : 'done';
      res.write(`event: ${event}\ndata: ${JSON.stringify(progress)}\n\n`);
      if (event === 'done') res.end();
    };
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS);
    const stop = () => {
      clearInterval(heartbeat);
      job.off('progress', send);
    };
    res.on('close', stop);
    send(job.progress);
    if (!job.finished) job.on('progress', send);
  });

  return router;
}
