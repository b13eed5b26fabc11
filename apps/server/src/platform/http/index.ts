export { registerErrorHandler } from './error-handler';
export { registerHealthRoutes } from './health';
export { createMetrics, type Metrics, registerMetricsHooks } from './metrics';
export { AppError, problemBody } from './problem';
export { registerRequestContext, requestIdFrom } from './request-context';
