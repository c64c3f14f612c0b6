export { startBroker } from './broker';
export type { BrokerOptions, RunningBroker } from './broker';
