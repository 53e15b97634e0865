export * from './recorder';
export * from './in-memory-sink';
export * from './cloudwatch-sink';
