export { type BoardBed, BoardService, type BoardWard } from './beds.board';
export { type BedsModuleOptions, registerBedsModule } from './beds.module';
export { type BedEventPublisher, BedService } from './beds.service';
export { type WardNow, type WardPeriod, wardNow, wardPeriod } from './beds.stats';
export { BED_STATUS_SYSTEM, BED_STATUSES, type BedStatus, bedStatusOf, operationalStatusOf } from './beds.status';
