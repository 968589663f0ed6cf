import type { NewDelivery } from "../../src/notifications/deliveries.ts";
import type { DeliveryMessage, DeliveryQueue } from "../../src/notifications/delivery-queue.ts";

/**
 * The NOTIFICATIONS producer with a record of every message a producer sent through it: the deliveries
 * a notifier run enqueued, which have no row until the consumer claims them. With `forwardTo` the
 * messages also go on that (real) queue; without it they go nowhere, and the test hands them to the
 * consumer itself to count what is sent.
 */
export class RecordingQueue implements DeliveryQueue {
  readonly messages: DeliveryMessage[] = [];
  constructor(private readonly forwardTo?: DeliveryQueue) {}

  async sendBatch(messages: Iterable<MessageSendRequest<DeliveryMessage>>): Promise<QueueSendBatchResponse> {
    const list = [...messages];
    const sent = await this.forwardTo?.sendBatch(list);
    this.messages.push(...list.map((m) => m.body));
    // nowhere: an empty backlog is what a queue with no messages would report
    return sent ?? { metadata: { metrics: { backlogCount: 0, backlogBytes: 0 } } };
  }

  /** The new deliveries among the messages, in the order they were sent. */
  get deliveries(): NewDelivery[] {
    return this.messages.flatMap((m) => ("delivery" in m ? [m.delivery] : []));
  }
}
