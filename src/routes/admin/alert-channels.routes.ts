import { Router, type Request } from 'express';
import { z } from 'zod';
import { ALERT_EVENTS, SEVERITIES } from '../../alerts/alert-types.js';
import type { ChannelService } from '../../alerts/channel-service.js';
import { CHANNEL_TYPES } from '../../alerts/channels/channel-types.js';
import { HttpError } from '../../http-error.js';
import type { Logger } from '../../logger.js';
import { parseInput } from '../../middleware/validate.js';
import { adminOnly } from '../../auth/admin-guard.js';

/** A channel URL: http(s) only, with a host, and no user:password in it (a secret has its own field). */
const channelUrl = z
  .string()
  .trim()
  .max(2048)
  .refine((text) => {
    try {
      const url = new URL(text);
      return (url.protocol === 'https:' || url.protocol === 'http:') && url.hostname !== '' && !url.username && !url.password;
    } catch {
      return false;
    }
  }, 'must be an http:// or https:// URL with no user name or password in it');
const fields = {
  name: z.string().trim().min(1, 'must be 1 to 64 characters').max(64, 'must be 1 to 64 characters'),
  url: channelUrl,
  secret: z.string().min(1).max(512).nullable(),
  events: z.array(z.enum(ALERT_EVENTS)).max(ALERT_EVENTS.length).nullable(),
  minSeverity: z.enum(SEVERITIES),
  enabled: z.boolean(),
};
const createBody = z
  .object({ ...fields, type: z.enum(CHANNEL_TYPES) })
  .partial()
  .required({ name: true, type: true, url: true })
  .strict();
const patchBody = z
  .object(fields)
  .partial()
  .strict()
  .refine((b) => Object.keys(b).length > 0, { message: 'give at least one field to change' });
const idParam = z.object({ id: z.coerce.number().int().min(1) });
const deliveriesQuery = z.object({
  channel: z.coerce.number().int().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  /** The id of the last delivery already shown: the page goes on from there. */
  before: z.coerce.number().int().min(1).optional(),
});

/** parseInput's 400, under this API's own code. */
function parseChannel<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  try {
    return parseInput(schema, value);
  } catch (err) {
    if (err instanceof HttpError) throw new HttpError(400, 'invalid-channel', err.message);
    throw err;
  }
}

/** Where the test message's link points: PUBLIC_URL's admin page, else this server's as the admin reached it. */
const adminLink = (req: Request, publicAdminUrl: string | undefined) =>
  publicAdminUrl ?? `${req.protocol}://${req.get('host') ?? 'localhost'}/admin`;

export type AlertChannelsRoutesDeps = {
  alertChannels: Pick<ChannelService, 'list' | 'create' | 'update' | 'remove' | 'test' | 'deliveries'>;
  logger: Logger;
  /** PUBLIC_URL's admin page (undefined when PUBLIC_URL is not set): the test message links to it, as alerts do. */
  publicAdminUrl?: string;
};

/** /admin/api/alerts/channels and /alerts/deliveries (docs/admin-api.md, "Alert channels"). No answer holds a URL's token or a secret. */
export function alertChannelsRoutes({ alertChannels, logger, publicAdminUrl }: AlertChannelsRoutesDeps): Router {
  const router = Router();

  router.get('/alerts/channels', adminOnly, (_req, res) => {
    res.json({ channels: alertChannels.list() });
  });

  router.post('/alerts/channels', adminOnly, (req, res) => {
    const b = parseChannel(createBody, req.body);
    const channel = alertChannels.create({
      name: b.name,
      type: b.type,
      url: b.url,
      secret: b.secret ?? null,
      events: b.events ?? null,
      minSeverity: b.minSeverity ?? 'warning',
      enabled: b.enabled ?? true,
    });
    logger.info({ channelId: channel.id, type: channel.type }, 'alert channel created by the admin');
    res.status(201).json(channel);
  });

  router.patch('/alerts/channels/:id', adminOnly, (req, res) => {
    const { id } = parseChannel(idParam, req.params);
    res.json(alertChannels.update(id, parseChannel(patchBody, req.body)));
  });

  router.delete('/alerts/channels/:id', adminOnly, (req, res) => {
    const { id } = parseChannel(idParam, req.params);
    alertChannels.remove(id);
    logger.info({ channelId: id }, 'alert channel deleted by the admin');
    res.status(204).end();
  });

  router.post('/alerts/channels/:id/test', adminOnly, async (req, res) => {
    const { id } = parseChannel(idParam, req.params);
    res.json({ delivery: await alertChannels.test(id, adminLink(req, publicAdminUrl)) });
  });

  router.get('/alerts/deliveries', adminOnly, (req, res) => {
    const { channel, limit, before } = parseInput(deliveriesQuery, req.query);
    res.json({ deliveries: alertChannels.deliveries({ channelId: channel, limit, before }) });
  });

  return router;
}
