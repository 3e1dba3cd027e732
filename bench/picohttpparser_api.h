/* picohttpparser's API (h2o's picohttpparser.h, MIT licensed). Debian's
 * libh2o-evloop-dev exports these symbols from libh2o-evloop.so but ships no
 * header for them, so the two calls the benchmark makes are declared here. */
#pragma once

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

struct phr_header {
    const char *name;
    size_t name_len;
    const char *value;
    size_t value_len;
};

/* Returns the bytes consumed when the head is complete, -1 on a parse error,
 * -2 when the head is incomplete. */
int phr_parse_request(const char *buf, size_t len, const char **method, size_t *method_len, const char **path,
                      size_t *path_len, int *minor_version, struct phr_header *headers, size_t *num_headers,
                      size_t last_len);

int phr_parse_response(const char *buf, size_t len, int *minor_version, int *status, const char **msg,
                       size_t *msg_len, struct phr_header *headers, size_t *num_headers, size_t last_len);

#ifdef __cplusplus
}
#endif
