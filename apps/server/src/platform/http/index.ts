export { registerErrorHandler } from './error-handler';
export { registerHealthRoutes } from './health';
export { createMetrics, type Metrics, registerMetricsHooks } from './metrics';
export { AppError, problemBody } from './problem';
export { type QueueReading, registerQueueMetrics } from './queue-metrics';
export { registerRequestContext, requestIdFrom } from './request-context';
