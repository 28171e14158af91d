#ifndef TRIDENT_CZLIB_SHIM_H
#define TRIDENT_CZLIB_SHIM_H
#include <zlib.h>

/// inflateInit2/deflateInit2 are macros Swift cannot call.
static inline int trident_inflate_init(z_stream *stream) {
    return inflateInit2(stream, 15 + 32);  /* gzip or zlib, detected from the header */
}

static inline int trident_deflate_init(z_stream *stream) {
    return deflateInit2(stream, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);  /* gzip */
}
#endif
