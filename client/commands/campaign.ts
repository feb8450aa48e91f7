// `dossier campaign …`: start a campaign from its file, follow it, add a vendor, list campaigns.
import { Command } from 'commander';
import type { Session } from './context';

export function campaignCommands(_session: Session): Command {
  return new Command('campaign').description('a whole campaign: start it from its file, follow it, add a vendor, list campaigns');
}
