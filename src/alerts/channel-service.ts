import { HttpError, notFound } from '../http-error.js';
import type { AlertEvent, AlertMessage, Severity } from './alert-types.js';
import type { Channel, ChannelSettings, ChannelStore } from './channel-store.js';
import { SIGNING_TYPES, type ChannelType } from './channels/channel-types.js';
import { maskChannelUrl } from './channels/mask-url.js';
import type { AlertDelivery } from './delivery.js';
import type { Delivery, DeliveryStatus, DeliveryStore } from './delivery-store.js';

/** A channel as every answer shows it: the URL masked, whether a secret is set, never the secret. */
export type ChannelView = {
  id: number;
  name: string;
  type: ChannelType;
  url: string;
  hasSecret: boolean;
  events: AlertEvent[] | null;
  minSeverity: Severity;
  enabled: boolean;
  createdAt: string;
  updatedAt: string;
  lastDelivery: { status: DeliveryStatus; at: string } | null;
};

/** A change: absent keeps, and `secret: null` clears. */
export type ChannelChange = Partial<Omit<ChannelSettings, 'type'>>;

const channelNotFound = (id: number) => notFound('channel-not-found', `no alert channel with id ${id}`);

/** The admin's channels (docs/admin-api.md, "Alert channels"): CRUD over the store, and the test button. */
export class ChannelService {
  constructor(
    private readonly deps: {
      store: Pick<ChannelStore, 'list' | 'get' | 'create' | 'update' | 'remove'>;
      deliveries: Pick<DeliveryStore, 'lastByChannel' | 'list'>;
      delivery: Pick<AlertDelivery, 'sendNow'>;
    },
  ) {}

  list(): ChannelView[] {
    const last = this.deps.deliveries.lastByChannel();
    return this.deps.store.list().map((c) => viewOf(c, last.get(c.id) ?? null));
  }

  create(settings: ChannelSettings): ChannelView {
    assertSecretFits(settings.type, settings.secret);
    return viewOf(this.deps.store.create(settings), null);
  }

  update(id: number, change: ChannelChange): ChannelView {
    const channel = this.channel(id);
    const settings: ChannelSettings = { ...channel, ...change };
    if (change.secret !== undefined) assertSecretFits(channel.type, settings.secret);
    this.deps.store.update(id, settings);
    return this.view(id);
  }

  remove(id: number): void {
    if (!this.deps.store.remove(id)) throw channelNotFound(id);
  }

  /** Sends the bilingual test message to this channel now and answers after its first attempt. */
  async test(id: number, link: string): Promise<Delivery> {
    const channel = this.channel(id);
    return this.deps.delivery.sendNow(channel, testMessage(channel, link, Date.now()));
  }

  deliveries(options: { channelId?: number; limit: number; before?: number }): Delivery[] {
    return this.deps.deliveries.list(options);
  }

  private view(id: number): ChannelView {
    return viewOf(this.channel(id), this.deps.deliveries.lastByChannel().get(id) ?? null);
  }

  private channel(id: number): Channel {
    const channel = this.deps.store.get(id);
    if (!channel) throw channelNotFound(id);
    return channel;
  }
}

/** Only the types that sign take a secret; a secret the format would ignore is a mistake worth saying. */
function assertSecretFits(type: ChannelType, secret: string | null): void {
  if (secret !== null && !SIGNING_TYPES.includes(type)) {
    throw new HttpError(400, 'invalid-channel', `secret: a ${type} channel takes no signing secret (only ${SIGNING_TYPES.join(', ')})`);
  }
}

function viewOf(c: Channel, lastDelivery: ChannelView['lastDelivery']): ChannelView {
  return {
    id: c.id,
    name: c.name,
    type: c.type,
    url: maskChannelUrl(c.type, c.url).masked,
    hasSecret: c.secret !== null,
    events: c.events,
    minSeverity: c.minSeverity,
    enabled: c.enabled,
    createdAt: new Date(c.createdAt).toISOString(),
    updatedAt: new Date(c.updatedAt).toISOString(),
    lastDelivery,
  };
}

/**
 * What the test button sends: state `test`, no incident behind it, the channel's own first event (or
 * keys-low) and its minimum severity, so it looks like what the channel will get.
 */
export function testMessage(channel: Channel, link: string, now: number): AlertMessage {
  const at = new Date(now).toISOString();
  return {
    incidentId: `test-${now}`,
    event: channel.events?.[0] ?? 'keys-low',
    state: 'test',
    severity: channel.minSeverity,
    subject: '',
    title: { zh: '测试消息', en: 'Test message' },
    text: {
      zh: `这是一条测试消息：告警渠道「${channel.name}」可以收到硅基流动密钥池的告警。`,
      en: `This is a test: the alert channel "${channel.name}" receives the SiliconFlow key pool's alerts.`,
    },
    data: { channel: channel.name },
    link,
    startedAt: at,
    at,
    resolvedAt: null,
  };
}
