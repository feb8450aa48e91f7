// What each form of the pages calls its fields, read from the page templates themselves: the label
// a field carries (its key in strings.yaml) and whether it is hidden. A form sent back unrecorded (its
// sign-in lapsed, no worker ran) gives its text back under the labels its page showed, not under the
// code names of its fields, and leaves out what nobody typed (a version, a message's id).

export interface FormField {
  /** The field's name as the form sends it; a `{{value}}` in the template is a named group. */
  name: RegExp;
  hidden: boolean;
  /** The label's sentence in strings.yaml, with its values taken from the name's groups. */
  label?: { key: string; values: Record<string, string> };
}

export interface PageForm {
  /** The form's action path; a `{{value}}` in the template matches one path segment. */
  action: RegExp;
  fields: FormField[];
}

const VALUE = /\{\{\s*([\w./-]+)\s*\}\}/g;

/** The forms a page template holds, with their fields' labels. */
export function formsIn(template: string): PageForm[] {
  const forms: PageForm[] = [];
  for (const form of template.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/g)) {
    const action = attribute(form[1], 'action');
    if (!action) continue;
    const labels = new Map<string, FormField['label']>();
    for (const label of form[2].matchAll(/<label\b[^>]*\bfor="([^"]*)"[^>]*>([\s\S]*?)<\/label>/g)) {
      const sentence = /\{\{t "([^"]+)"([^}]*)\}\}/.exec(label[2]);
      if (!sentence) continue;
      const values: Record<string, string> = {};
      for (const [, param, value] of sentence[2].matchAll(/(\w+)=([\w./-]+)/g)) values[param] = groupName(value);
      labels.set(label[1], { key: sentence[1], values });
    }
    const fields: FormField[] = [];
    for (const control of form[2].matchAll(/<(?:input|textarea|select)\b([^>]*)>/g)) {
      const name = attribute(control[1], 'name');
      if (!name) continue;
      const id = attribute(control[1], 'id');
      fields.push({ name: pattern(name, '.+?'), hidden: attribute(control[1], 'type') === 'hidden', label: id ? labels.get(id) : undefined });
    }
    forms.push({ action: pattern(action, '[^/]+'), fields });
  }
  return forms;
}

/** The field of a form sent to `actionPath`, by the name it was sent under; undefined if no page has it. */
export function fieldOf(forms: PageForm[], actionPath: string, name: string): { field: FormField; groups: Record<string, string> } | undefined {
  for (const form of forms) {
    if (!form.action.test(actionPath)) continue;
    for (const field of form.fields) {
      const match = field.name.exec(name);
      if (match) return { field, groups: match.groups ?? {} };
    }
  }
  return undefined;
}

function attribute(attributes: string, name: string): string | undefined {
  return new RegExp(`(?:^|\\s)${name}="([^"]*)"`).exec(attributes)?.[1];
}

function groupName(value: string): string {
  return value.split(/[./]/).filter(Boolean).pop()!.replace(/\W/g, '_');
}

/** A template's attribute as a pattern: its text as written, each `{{value}}` a named group. */
function pattern(source: string, value: string): RegExp {
  const seen = new Set<string>();
  let regex = '';
  let last = 0;
  for (const match of source.matchAll(VALUE)) {
    regex += escape(source.slice(last, match.index));
    const group = groupName(match[1]);
    regex += seen.has(group) ? `(?:${value})` : `(?<${group}>${value})`;
    seen.add(group);
    last = match.index! + match[0].length;
  }
  return new RegExp(`^${regex}${escape(source.slice(last))}$`);
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
