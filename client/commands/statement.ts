// `dossier statement …`: the joint statement's draft, the authorities' approval, its publication.
import { Command } from 'commander';
import type { Session } from './context';

export function statementCommands(_session: Session): Command {
  return new Command('statement').description("the joint statement: draft status, an authority's approval or change request, publication");
}
