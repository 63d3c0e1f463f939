// The kinds of flag the commands take, for `parseFlags`.

/** A flag with one value: `--code SO_TTTT`. */
export const VALUE = { type: 'string' } as const;
/** A flag that may be given again and again: `--alias A --alias B` (its values, in order). */
export const VALUES = { type: 'string', multiple: true } as const;
