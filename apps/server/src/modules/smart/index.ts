export { SMART_ERROR_CODES, smartErrors } from './smart.errors';
export { registerSmartModule, type SmartModuleOptions } from './smart.module';
export { smartConfiguration } from './smart.routes';
