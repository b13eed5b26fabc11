export { encounterWriteGuard } from './encounter.guard';
export { type EncountersModuleOptions, registerEncountersModule } from './encounter.module';
export { CLIENT_IDENTIFIER_SYSTEM, encounterActorOf, USER_IDENTIFIER_SYSTEM } from './encounter.routes';
export { type EncounterActor, EncounterService } from './encounter.service';
export {
  allowedTransitions,
  canTransition,
  ENCOUNTER_STATUSES,
  type EncounterStatus,
  statusChangeAllowed,
} from './encounter.state';
