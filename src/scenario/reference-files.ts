/** The generated files and how each is made (paths from the repository's root): shared by `npm run gen` and the staleness test. */
import { scenarioJsonSchemaText, scenarioReferenceMarkdown } from './reference.js';

/** The hand-written part of docs/scenario.md (same-instant order, fault semantics). */
export const PROSE_FILE = 'src/scenario/reference-prose.md';

export const GENERATED: Readonly<Record<string, (prose: string) => string>> = {
  'docs/scenario.md': (prose) => scenarioReferenceMarkdown(prose),
  'schema/scenario.schema.json': () => scenarioJsonSchemaText(),
};
