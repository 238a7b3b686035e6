/* errors_cases.h — the error catalogue's cases (docs/errors.md), one row
 * each: {id, {argv after "fadyn"}, exit status, a substring of stderr's
 * first line, env, stdout}.  In argv, env, stdout and the message "@/"
 * stands for the case's own fresh directory (it holds keep.tsv, keep.json,
 * the regular file notdir and the directory adir, which every case must
 * leave as they were) and "%/" for the shared read-only fixtures
 * (tests/test_errors.c: good/ and broken matrix directories, MNIST
 * directories mn*, checkpoints ck*, a failing gnuplot in bin/).  env: one
 * NAME=VALUE for the run or NULL; stdout: NULL /dev/null, "" closed, or a
 * path.  Included by tests/test_errors.c inside the table's initialiser.
 * Section by section, in the order of docs/errors.md. */

/* ---- arguments ---------------------------------------------------------------------- */
{"ARG01", {"nosuch"}, 2, "fadyn: unknown command 'nosuch'"},
{"ARG02", {"ode", "--bogus"}, 2, "--bogus: unknown option or missing value"},
{"ARG03", {"ode", "extra"}, 2, "unexpected argument 'extra'"},
{"ARG04", {"ode", "--sizes", "3"}, 2, "--sizes: need at least 3 layers"},
{"ARG05", {"ode", "--sizes", "3,0,2"}, 2, "--sizes 0: must be between 1 and 100000"},
{"ARG06", {"ode", "--rule", "xx"}, 2, "--rule 'xx': unknown (bp, fa, shallow)"},
{"ARG07", {"ode", "--sigma", "1,2"}, 2, "--sigma: give 1 value or 30 (one per input), not 2"},
{"ARG08", {"ode", "--seed", "-1"}, 2, "--seed '-1': must not be negative"},
{"ARG09", {"ode", "--samples", "1"}, 2, "--samples 1: must be between 2 and 1e6"},
{"ARG10", {"ode", "--rtol", "0"}, 2, "--rtol 0: must be > 0"},
{"ARG11", {"ode", "--t-end", "abc"}, 2, "--t-end 'abc': not a number"},
{"ARG12", {"ode", "--t-end", "inf"}, 2, "--t-end 'inf': not a finite number"},
{"ARG13", {"ode", "--hmin", "1"}, 2, "--hmin 1: larger than the first step h0"},
{"ARG14", {"ode", "--t-min", "0", "--log-time"}, 2, "--t-min 0: need 0 < t-min < t-end"},
{"ARG15", {"flow", "--grid", "1x1"}, 2, "--grid '1x1': each side needs at least 2 points"},
{"ARG16", {"flow", "--window", "1,2"}, 2, "--window '1,2': give 4 numbers"},
{"ARG17", {"verify", "--break", "zz"}, 2, "--break 'zz': unknown"},
{"ARG18", {"train", "--task", "zz"}, 2, "--task 'zz': unknown (linear, teacher)"},
{"ARG19", {"figure", "nosuch"}, 2, "'nosuch': unknown figure"},
{"ARG20", {"figure"}, 2, "name a figure"},

/* ---- matrix files (--init-from) ------------------------------------------------------ */
{"MAT01", {"ode", "--sizes", "2,2,2", "--init-from", "%/nodir"}, 2, "%/nodir: no such directory"},
{"MAT02", {"ode", "--sizes", "2,2,2", "--init-from", "%/missing"}, 2,
 "%/missing/B.txt: cannot open: No such file or directory"},
{"MAT03", {"ode", "--sizes", "2,2,2", "--init-from", "%/nonum"}, 2,
 "%/nonum/T.txt:1: 'x' is not a number"},
{"MAT04", {"ode", "--sizes", "2,2,2", "--init-from", "%/shape"}, 2,
 "%/shape/T.txt: expected 2 x 2, found 1 x 3"},
{"MAT05", {"ode", "--sizes", "2,2,2", "--init-from", "%/ragged"}, 2,
 "%/ragged/T.txt:2: 1 entries, but the first row has 2"},
{"MAT06", {"ode", "--sizes", "2,2,2", "--init-from", "%/nan"}, 2,
 "%/nan/T.txt:1: entry 2 is not finite"},
{"MAT07", {"ode", "--sizes", "2,2,2", "--init-from", "%/empty"}, 2, "%/empty/T.txt: no numbers"},

/* ---- IDX files (--task mnist) -------------------------------------------------------- */
{"IDX01", {"train", "--task", "mnist", "--mnist-dir", "%/nodir", "--hidden", "4"}, 2,
 "%/nodir/train-images-idx3-ubyte: no such file (nor train-images-idx3-ubyte.gz); run make data"},
{"IDX02", {"train", "--task", "mnist", "--mnist-dir", "%/mn-magic", "--hidden", "4"}, 2,
 "byte 0: magic number 0x01000803 does not start with two zero bytes (not an IDX file)"},
{"IDX03", {"train", "--task", "mnist", "--mnist-dir", "%/mn-type", "--hidden", "4"}, 2,
 "byte 2: data type 0x0d, expected 0x08 (unsigned byte)"},
{"IDX04", {"train", "--task", "mnist", "--mnist-dir", "%/mn-trunc", "--hidden", "4"}, 2,
 "truncated: the header says 20 x 28 x 28 = 15680 bytes of data after byte 16"},
{"IDX05", {"train", "--task", "mnist", "--mnist-dir", "%/mn-extra", "--hidden", "4"}, 2,
 "bytes after the end of the data (the header says 20 x 28 x 28)"},
{"IDX06", {"train", "--task", "mnist", "--mnist-dir", "%/mn-count", "--hidden", "4"}, 2,
 "has 20 images but"},
{"IDX07", {"train", "--task", "mnist", "--mnist-dir", "%/mn-digit", "--hidden", "4"}, 2,
 "label 10 of image 3 is not a digit 0..9"},

/* ---- checkpoints (--resume) ---------------------------------------------------------- */
{"CKP01", {"train", "--task", "mnist", "--mnist-dir", "%/mn", "--hidden", "4", "--resume",
           "%/nockp"}, 2, "%/nockp: cannot open the checkpoint"},
{"CKP02", {"train", "--task", "mnist", "--mnist-dir", "%/mn", "--hidden", "4", "--resume",
           "%/ck-magic"}, 2, "%/ck-magic: not a fadyn checkpoint"},
{"CKP03", {"train", "--task", "mnist", "--mnist-dir", "%/mn", "--hidden", "4", "--resume",
           "%/ck-trunc"}, 2, "%/ck-trunc: truncated"},
{"CKP04", {"train", "--task", "mnist", "--mnist-dir", "%/mn", "--hidden", "4", "--resume",
           "%/ck-crc"}, 2, "%/ck-crc: checksum mismatch: the file is corrupt"},
{"CKP05", {"train", "--task", "mnist", "--mnist-dir", "%/mn", "--hidden", "4", "--runs", "2",
           "--resume", "%/ck"}, 2, "%/ck: written for 1 runs, this one has 2"},
{"CKP06", {"train", "--task", "mnist", "--mnist-dir", "%/mn2", "--hidden", "4", "--resume",
           "%/ck"}, 2, "%/ck: written for other data (the MNIST files differ)"},

/* ---- numerics ------------------------------------------------------------------------ */
{"NUM01", {"ode", "--init-scale", "100", "--radius", "50", "--out", "@/o.tsv"}, 3,
 "the initial state is non-finite or beyond --radius 50"},
{"NUM02", {"ode", "--stepper", "rk4", "--hmin", "1e-3", "--init-scale", "100", "--out",
           "@/o.tsv"}, 3, "diverged near t = 0: the state became non-finite or left --radius"},
{"NUM03", {"ode", "--nmax", "5", "--out", "@/o.tsv"}, 1,
 "the step limit (5 steps) was reached"},
{"NUM04", {"ode", "--stepper", "msbdf", "--nmax", "3", "--out", "@/o.tsv"}, 1,
 "the step limit (3 steps) was reached"},
{"NUM05", {"train", "--eta", "10", "--runs", "1", "--out", "@/o.tsv"}, 3,
 "run 0 diverged: loss not finite (or beyond 1e+12) at example 2"},
{"NUM06", {"compare", "--etas", "10", "--out", "@/o.tsv"}, 3,
 "trainer diverged at step 3 (eta 10, batch 10)"},

/* ---- gnuplot ------------------------------------------------------------------------- */
{"GNU01", {"ode", "--t-end", "2", "--plot", "@/o.png"}, 0,
 "gnuplot not found: the data and script are written", "PATH=/nonexistent"},
{"GNU02", {"ode", "--t-end", "2", "--plot", "@/o.png"}, 1, "gnuplot failed on @/o.gp (status 1)",
 "PATH=%/bin:/usr/bin:/bin"},
{"GNU03", {"ode", "--plot", "@/o.gif"}, 2, "unknown extension (use .png, .svg, .pdf or 'dumb')"},
{"GNU04", {"ode", "--plot", "@/a\nb.png"}, 2,
 "the image's name holds a control character (byte 0x0a)"},

/* ---- output paths -------------------------------------------------------------------- */
{"OUT01", {"ode", "--out", ""}, 2, "--out '': empty"},
{"OUT02", {"ode", "--out", "@/keep.tsv", "--summary", "@/keep.tsv"}, 2,
 "--out and --summary: both name @/keep.tsv"},
{"OUT03", {"ode", "--out", "@/keep.tsv", "--save-init", "@/notdir/x"}, 2,
 "--save-init @/notdir/x: cannot create directory: Not a directory"},
