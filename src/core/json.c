/* json.c — JSON output through jansson. */
#include "fadyn/json.h"
#include "fadyn/io.h"
#include "fadyn/version.h"

#include <math.h>
#include <stdlib.h>

json_t *fadyn_json_real(double x) {
    return isfinite(x) ? json_real(fadyn_plus_zero(x)) : json_null();
}

/* Every real of j (recursively) that is -0 set to +0. */
static void plus_zero_reals(json_t *j) {
    if (json_is_real(j)) {
        if (json_real_value(j) == 0.0) json_real_set(j, 0.0);
    } else if (json_is_array(j)) {
        for (size_t i = 0; i < json_array_size(j); i++)
            plus_zero_reals(json_array_get(j, i));
    } else if (json_is_object(j)) {
        const char *key;
        json_t *v;
        json_object_foreach(j, key, v) plus_zero_reals(v);
    }
}

int fadyn_json_write(json_t *obj, const char *path, fadyn_err *err) {
    plus_zero_reals(obj);
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
