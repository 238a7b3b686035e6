/* errors_bounds.h — the catalogue's cases of the section "Bounds" of
 * docs/errors.md (huge counts, work limits, unbounded reads), in the format
 * of tests/errors_cases.h: {id, {argv}, exit, message, env, stdout}.  Ids
 * start with BND. */

/* ---- huge counts: every count has a documented upper bound, and a blank
 * or sign in front of a count is refused (counts are digits only) ------- */
{"BND01",
 {"figure", "fig1d", "--examples", "200", "--runs", "10000000000000"},
 2,
 "--runs 10000000000000: must be between 1 and 1000"},
    {"BND02",
     {"figure", "fig1e", "--examples", "18446744073709551615"},
     2,
     "--examples 18446744073709551615: must be between 1 and 1e7"},
    {"BND03", {"figure", "fig1d", "--runs", "\t-2"}, 2, "--runs '\\t-2': must not be negative"},
    {"BND04", {"ode", "--seed", "\t-1"}, 2, "--seed '\\t-1': must not be negative"},
    {"BND05", {"ode", "--seed", " 5"}, 2, "--seed ' 5': not a whole number"},
    {"BND06", {"ode", "--seed", "+5"}, 2, "--seed '+5': not a whole number"},
    {"BND07", {"train", "--runs", "+5"}, 2, "--runs '+5': not a whole number"},
    {"BND08",
     {"ode", "--samples", "99999999999999999999999"},
     2,
     "--samples 99999999999999999999999: too large"},
    {"BND09",
     {"basin", "--grid", "100000x100000"},
     2,
     "--grid '100000x100000': 1e+10 points need 880 GB, more than half this machine's memory"},

    /* ---- unbounded reads: a text input with a NUL, a line over 65536
     * bytes, binary garbage (quoted escaped) ----------------------------- */
    {"BND10",
     {"ode", "--sizes", "2,2,2", "--init-from", "%/zero"},
     2,
     "%/zero/T.txt:1: a NUL byte at column 1 (not a text file?)"},
    {"BND11",
     {"ode", "--sizes", "2,2,2", "--init-from", "%/nul"},
     2,
     "%/nul/T.txt:2: a NUL byte at column 4 (not a text file?)"},
    {"BND12",
     {"ode", "--sizes", "2,2,2", "--init-from", "%/binary"},
     2,
     "%/binary/T.txt:1: '\\x01\\xff\\xfe\\x1b[31m' is not a number"},
    {"BND13",
     {"ode", "--sizes", "2,2,2", "--init-from", "%/longline"},
     2,
     "%/longline/T.txt:1: the line is longer than 65536 bytes"},
    {"BND14",
     {"flow", "--from-file", "/dev/zero"},
     2,
     "--from-file: /dev/zero:1: a NUL byte at column 1 (not a text file?)"},

    /* ---- work limits: estimated up front (fadyn/cost.h), refused unless --force
     * (one helper, cli_cost_check, for every command) -------------------- */
    {"BND15",
     {"ode", "--t-end", "1e12"},
     2,
     "1e+11 steps (t-end 1e+12 x spectral radius 0.306 / 3) of 4.3e+05 flop: about 4.4e+16 flop "
     "(182 days at 2.8 GFLOP/s), beyond the limit of 1e+13 flop (an hour); --force runs it"},
    {"BND16",
     {"compare", "--etas", "1e-12"},
     2,
     "the trainers (t-end 10 / eta steps per cell): about 5.3e+19 flop (603 years at 2.8 GFLOP/s), "
     "beyond the limit of 1e+13 flop (an hour); --force runs it"},
    {"BND17",
     {"train", "--examples", "1000000000", "--runs", "1000"},
     2,
     "1000 runs x 1000000000 examples of a 800-weight network: about 4.8e+15 flop (20 days at "
     "2.8 GFLOP/s), beyond the limit of 1e+13 flop (an hour); --force runs it"},
    {"BND18",
     {"train", "--task", "mnist", "--mnist-dir", "%/mn", "--examples", "10000000"},
     2,
     "1 run x 10000000 examples of a 784-1000-10 network: about 5.6e+13 flop (6 hours at 2.8 "
     "GFLOP/s), beyond the limit of 1e+13 flop (an hour); --force runs it"},
    {"BND19",
     {"figure", "fig2a", "--runs", "1000", "--examples", "10000000"},
     2,
     "fig2a at 1000 runs x 10000000 examples: about 1.9e+17 flop (793 days at 2.8 GFLOP/s), "
     "beyond the limit of 1e+15 flop (4 days); --force runs it"},
    {"BND20",
     {"figure", "fig2a", "--runs", "1000", "--examples", "10000000", "--force", "--mnist-dir",
      "%/nodir"},
     1,
     "fig2a: %/nodir/train-images-idx3-ubyte: no such file"},
