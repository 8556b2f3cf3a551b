import type { KeyCipher } from '../crypto/key-cipher.js';
import type { Db } from '../db/database.js';
import type { Logger } from '../logger.js';
import { ChannelService } from './channel-service.js';
import { ChannelStore } from './channel-store.js';
import { AlertDelivery, type DeliveryOptions } from './delivery.js';
import { DeliveryHttp } from './delivery-http.js';
import { DeliveryStore } from './delivery-store.js';

/** The delivery side, built from what it uses: the database, the keys' cipher, the sent counter, the log. */
export function createAlertDelivery(deps: {
  db: Db;
  cipher: Pick<KeyCipher, 'encrypt' | 'decrypt'>;
  sent: (event: string, channelId: number) => void;
  logger: Logger;
  options?: Partial<DeliveryOptions>;
}): { delivery: AlertDelivery; channels: ChannelService } {
  const store = new ChannelStore(deps.db, deps.cipher);
  const deliveries = new DeliveryStore(deps.db);
  const delivery = new AlertDelivery({
    channels: store,
    deliveries,
    http: new DeliveryHttp(),
    sent: deps.sent,
    logger: deps.logger,
    options: deps.options,
  });
  return { delivery, channels: new ChannelService({ store, deliveries, delivery }) };
}
