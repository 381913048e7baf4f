/** The mark of a page deploysim wrote: `report --out` replaces only a file carrying it (SPEC §9). In its own file so the CLI can check a target without loading the report's code. */
export const GENERATOR_META = '<meta name="generator" content="deploysim">';
