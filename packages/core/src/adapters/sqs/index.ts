export { SqsBroker, type SqsBrokerOptions } from './sqs-broker.js';
export { parseSqsUrl, sqsQueueName, type SqsLocation } from './sqs-location.js';
