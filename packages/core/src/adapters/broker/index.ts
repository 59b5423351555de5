export { BrokerQueue, BROKER_QUEUE_DEFAULTS, type BrokerQueueOptions } from './broker-queue.js';
export type { BrokerDelivery, BrokerQueueCounts, MessageBroker, SubscribeOptions } from './message-broker.js';
