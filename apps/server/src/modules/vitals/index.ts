export { BMI_WINDOW_DAYS, VITAL_SIGNS, type VitalSign, vitalSignOf } from './vitals.catalog';
export { vitalSignsWriteGuard } from './vitals.guard';
export { registerVitalsModule, type VitalsModuleOptions } from './vitals.module';
export { type VitalsActor, VitalsService } from './vitals.service';
export { convertUnit } from './vitals.units';
