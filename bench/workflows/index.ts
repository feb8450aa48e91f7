// Every workflow the bench worker runs: Dossier's own, plus the engine floor they are measured against.
export * from '../../workflows';
export { engineFloor } from './floor';
export { reminderFloor } from './reminder-floor';
