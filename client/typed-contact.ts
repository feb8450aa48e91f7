// A contact as an officer types it, `email[,name]`: an option of `dossier engagement contacts`
// (--add, --replace) and a line of the engagement page's contacts form, read by this one rule so
// the CLI and the web take the same text.
import type { Contact } from '../workflows/types';

/**
 * The address before the first comma, the name after it (commas and all: "Doe, Jane"). A name left
 * out is `vendorName`: the mail greets the vendor. Whether the address is one is the workflow's to say.
 */
export function typedContact(given: string, vendorName: string): Contact {
  const comma = given.indexOf(',');
  const email = (comma < 0 ? given : given.slice(0, comma)).trim();
  const name = comma < 0 ? '' : given.slice(comma + 1).trim();
  return { email, name: name || vendorName };
}
