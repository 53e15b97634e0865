export * from './metric-names';
export * from './agent-metrics';
export * from './telemetry-delivery';
export * from './transaction-search';
export * from './otlp-export';
export * from './agent-dashboards';
export * from './agent-alarms';
export * from './agent-observability';
