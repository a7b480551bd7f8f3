// No `server-only`: used by deploy/render.ts and the end-to-end fixtures, outside Next.

/*
 * The nginx and Dovecot files under deploy/ are templates with {{NAME}} placeholders. The end-to-end tests
 * render them with this function for their loopback servers, and operators with deploy/render.ts, so what
 * is tested is what is deployed.
 */

const PLACEHOLDER = /\{\{([A-Z][A-Z0-9_]*)\}\}/g;
// Characters that would end or change a directive in nginx's or Dovecot's syntax.
const UNSAFE = /[\s"'`\\;{}#$]/;

/** The placeholders a template uses, in order of first use. */
export function templatePlaceholders(template: string): string[] {
  return [...new Set(Array.from(template.matchAll(PLACEHOLDER), (m) => m[1]!))];
}

/**
 * Fills every placeholder. Throws one message listing each missing or unused value and each value that
 * could break out of its directive (whitespace, quotes, backslash, ";", braces, "#", "$").
 */
export function renderTemplate(template: string, values: Record<string, string>): string {
  const used = templatePlaceholders(template);
  const problems: string[] = [];
  for (const name of used) {
    const value = values[name];
    if (value === undefined || value === '') problems.push(`${name} is missing`);
    else if (UNSAFE.test(value)) problems.push(`${name} contains whitespace, a quote, "\\", ";", "{", "}", "#" or "$"`);
  }
  for (const name of Object.keys(values)) {
    if (!used.includes(name)) problems.push(`${name} is not used by this template`);
  }
  if (problems.length > 0) throw new Error(`Cannot render the template: ${problems.join('; ')}`);
  return template.replace(PLACEHOLDER, (_, name: string) => values[name]!);
}
