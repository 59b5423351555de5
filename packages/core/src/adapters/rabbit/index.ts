export { RabbitBroker, type RabbitBrokerOptions } from './rabbit-broker.js';
