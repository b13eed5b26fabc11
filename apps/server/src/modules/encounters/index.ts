export { encounterWriteGuard } from './encounter.guard';
export { type EncountersModuleOptions, registerEncountersModule } from './encounter.module';
export { type EncounterActor, EncounterService } from './encounter.service';
export {
  allowedTransitions,
  canTransition,
  ENCOUNTER_STATUSES,
  type EncounterStatus,
  statusChangeAllowed,
} from './encounter.state';
