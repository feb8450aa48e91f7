// A Message-ID as an officer types it: copied from a mail client's headers, with its angle brackets
// (`<a1b2@mail.example>`), or from a table or a log, often without them. Dossier keeps every id with
// its brackets (intake/read-message.ts), so the commands that take a typed id bracket it here, at the
// client's boundary, and the workflows and the intake compare ids as they are kept.

/**
 * The id with its angle brackets, whether it was typed with them, without them or with one alone;
 * blanks around it dropped. An empty id stays empty, for the engagement's validator to refuse.
 *
 * @example
 * typedMessageId('7485@mail.example') // '<7485@mail.example>'
 * typedMessageId(' <7485@mail.example> ') // '<7485@mail.example>'
 */
export function typedMessageId(typed: string): string {
  const bare = typed.trim().replace(/^<\s*/, '').replace(/\s*>$/, '');
  return bare ? `<${bare}>` : '';
}
