export { BullMqQueue, type BullMqQueueOptions } from './bullmq-queue.js';
export * from './redis-pointer-change-bus.js';
