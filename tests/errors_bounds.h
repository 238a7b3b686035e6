/* errors_bounds.h — the catalogue's cases of the section "Bounds" of
 * docs/errors.md (huge counts, work limits, unbounded reads), in the format
 * of tests/errors_cases.h: {id, {argv}, exit, message, env, stdout}.  Ids
 * start with BND. */
