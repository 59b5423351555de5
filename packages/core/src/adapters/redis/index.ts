export { BullMqQueue, type BullMqQueueOptions } from './bullmq-queue.js';
