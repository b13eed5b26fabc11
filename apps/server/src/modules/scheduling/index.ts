export { patientOf } from './appointment.participants';
export type { AppointmentService } from './appointment.service';
export type { ScheduleService } from './schedule.service';
export { generateSlots, isTimeZone } from './scheduling.availability';
export type { DomainEvent, EventPublisher } from './scheduling.events';
export { registerSchedulingModule, type SchedulingModule, type SchedulingModuleOptions } from './scheduling.module';
export { slotIdsOf } from './scheduling.seats';
export type { WaitlistService } from './waitlist.service';
