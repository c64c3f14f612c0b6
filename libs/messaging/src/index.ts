export * from './kafka';
export * from './outbox';
export * from './outbox-relay';
export * from './event-consumer';
export * from './messaging.module';
