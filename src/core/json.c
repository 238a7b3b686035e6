/* json.c — JSON output through jansson. */
#include "fadyn/json.h"
#include "fadyn/io.h"
#include "fadyn/version.h"

#include <math.h>
#include <stdlib.h>

json_t *fadyn_json_real(double x) {
    return isfinite(x) ? json_real(x) : json_null();
}

int fadyn_json_write(const json_t *obj, const char *path, fadyn_err *err) {
    char *text = json_dumps(obj, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(12));
    if (!text) return fadyn_err_set(err, FADYN_ENOMEM, "%s: could not format JSON", path);
    fadyn_ofile o;
    int rc = fadyn_ofile_open(&o, path, err);
    if (rc == FADYN_OK) {
        fputs(text, o.f);
        fputc('\n', o.f);
        rc = fadyn_ofile_commit(&o, err);
    }
    free(text);
    return rc;
}

json_t *fadyn_json_summary_new(const char *command) {
    json_t *o = json_object();
    json_object_set_new(o, "tool", json_string("fadyn"));
    json_object_set_new(o, "version", json_string(fadyn_version()));
    json_object_set_new(o, "command", json_string(command));
    return o;
}
