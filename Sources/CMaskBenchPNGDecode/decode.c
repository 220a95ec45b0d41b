#include "CMaskBenchPNGDecode.h"

#include <libdeflate.h>
#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* State shared with libpng's callbacks through png_get_io_ptr / png_get_error_ptr. */
typedef struct mbpng_context {
    const uint8_t *data;
    size_t size;
    size_t offset;
    char *message;
    size_t message_size;
} mbpng_context;

static void mbpng_set_message(mbpng_context *context, const char *text) {
    if (context->message == NULL || context->message_size == 0) return;
    snprintf(context->message, context->message_size, "%s", text != NULL ? text : "unknown libpng error");
}

/* libpng's error handler must not return: record the message and jump back to the setjmp below. */
static void mbpng_error(png_structp png, png_const_charp text) {
    mbpng_set_message((mbpng_context *)png_get_error_ptr(png), text);
    png_longjmp(png, 1);
}

/* Warnings (an odd iCCP profile, a bad ancillary CRC) are not failures; OpenCV only prints them. */
static void mbpng_warning(png_structp png, png_const_charp text) {
    (void)png;
    (void)text;
}

static void mbpng_read(png_structp png, png_bytep out, png_size_t count) {
    mbpng_context *context = (mbpng_context *)png_get_io_ptr(png);
    if (count > context->size - context->offset) png_error(png, "Read Error: the file ends too early (truncated)");
    memcpy(out, context->data + context->offset, count);
    context->offset += count;
}

/* Creates the read structures; on failure writes a message and returns 0. */
static int mbpng_begin(mbpng_context *context, png_structp *png, png_infop *info) {
    *png = png_create_read_struct(PNG_LIBPNG_VER_STRING, context, mbpng_error, mbpng_warning);
    if (*png == NULL) {
        mbpng_set_message(context, "png_create_read_struct failed");
        return 0;
    }
    *info = png_create_info_struct(*png);
    if (*info == NULL) {
        png_destroy_read_struct(png, NULL, NULL);
        mbpng_set_message(context, "png_create_info_struct failed");
        return 0;
    }
    png_set_read_fn(*png, context, mbpng_read);
    return 1;
}

int mbpng_read_header(const uint8_t *data, size_t size, mbpng_header *header, char *message, size_t message_size) {
    mbpng_context context = {data, size, 0, message, message_size};
    png_structp png = NULL;
    png_infop info = NULL;
    if (!mbpng_begin(&context, &png, &info)) return MBPNG_NO_MEMORY;
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_read_struct(&png, &info, NULL);
        return MBPNG_LIBPNG_ERROR;
    }
    png_read_info(png, info);
    header->width = png_get_image_width(png, info);
    header->height = png_get_image_height(png, info);
    header->bit_depth = png_get_bit_depth(png, info);
    header->color_type = png_get_color_type(png, info);
    png_destroy_read_struct(&png, &info, NULL);
    return MBPNG_OK;
}

int mbpng_decode_bgr_libpng(const uint8_t *data, size_t size, uint8_t *pixels, size_t pixels_size, char *message,
                            size_t message_size) {
    mbpng_context context = {data, size, 0, message, message_size};
    png_structp png = NULL;
    png_infop info = NULL;
    /* volatile: modified between setjmp and a possible longjmp. */
    png_bytep *volatile rows = NULL;
    if (!mbpng_begin(&context, &png, &info)) return MBPNG_NO_MEMORY;
    if (setjmp(png_jmpbuf(png))) {
        png_free(png, rows);
        png_destroy_read_struct(&png, &info, NULL);
        return MBPNG_LIBPNG_ERROR;
    }
    png_read_info(png, info);
    png_uint_32 width = png_get_image_width(png, info);
    png_uint_32 height = png_get_image_height(png, info);
    int bit_depth = png_get_bit_depth(png, info);
    int color_type = png_get_color_type(png, info);
    if ((size_t)width * (size_t)height * 3 != pixels_size) {
        png_destroy_read_struct(&png, &info, NULL);
        snprintf(message, message_size, "output buffer of %zu bytes for a %ux%u image", pixels_size, (unsigned)width,
                 (unsigned)height);
        return MBPNG_BAD_BUFFER;
    }

    /* The same transformations, in the same order, as OpenCV 4.6 PngDecoder::readData for a 3-channel
     * 8-bit destination (modules/imgcodecs/src/grfmt_png.cpp). */
    if (bit_depth > 8) png_set_strip_16(png);
    png_set_strip_alpha(png);
    if (color_type == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
    if ((color_type & PNG_COLOR_MASK_COLOR) == 0 && bit_depth < 8) png_set_expand_gray_1_2_4_to_8(png);
    if (color_type & PNG_COLOR_MASK_COLOR)
        png_set_bgr(png);
    else
        png_set_gray_to_rgb(png);
    png_set_interlace_handling(png);
    png_read_update_info(png, info);

    if (png_get_rowbytes(png, info) != (size_t)width * 3) {
        png_error(png, "unexpected row size after transformations");
    }
    rows = (png_bytep *)png_malloc(png, sizeof(png_bytep) * height);
    for (png_uint_32 y = 0; y < height; y++) rows[y] = pixels + (size_t)y * width * 3;
    png_read_image(png, rows);
    png_read_end(png, NULL);
    png_free(png, rows);
    png_destroy_read_struct(&png, &info, NULL);
    return MBPNG_OK;
}

/* ---- Fast path --------------------------------------------------------------------------------------------
 * Most PNGs in face-mask datasets are plain non-interlaced 8- or 16-bit RGB or RGBA. For those, decoding with
 * libpng costs about twice what it must: zlib's inflate is slower than libdeflate's, and libpng unfilters every
 * byte although imread keeps only the high byte of R, G and B (3 of the 8 bytes of a 16-bit RGBA pixel). PNG
 * filters work byte by byte (byte k of a pixel depends only on byte k of its neighbours), so unfiltering only the
 * kept bytes is exact. The fast path answers only for a flawless file: every chunk CRC right, only IHDR, IDAT,
 * IEND and ancillary chunks (no tRNS, no PLTE), the zlib stream (Adler-32 included) exactly filling the image.
 * Anything else returns 0 and the caller decodes with libpng, which then gives libpng's own answer. */

enum { MBPNG_FAST_MAX_INFLATED = 64 << 20 };

static uint32_t mbpng_be32(const uint8_t *p) {
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | (uint32_t)p[3];
}

static int mbpng_is_type(const uint8_t *type, const char *name) { return memcmp(type, name, 4) == 0; }

static int mbpng_valid_type(const uint8_t *type) {
    for (int i = 0; i < 4; i++) {
        uint8_t c = type[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))) return 0;
    }
    return 1;
}

static inline uint8_t mbpng_paeth(int left, int up, int upleft) {
    int p = left + up - upleft;
    int pa = abs(p - left), pb = abs(p - up), pc = abs(p - upleft);
    if (pa <= pb && pa <= pc) return (uint8_t)left;
    return (uint8_t)(pb <= pc ? up : upleft);
}

/* Unfilters bytes 0, sample and 2 * sample of every pixel of `row` in place (`prior`: the row above, already
 * unfiltered at those bytes, or zeros) and writes them as B, G, R. Returns 0 on a filter type over 4. */
static int mbpng_unfilter_row(uint8_t *row, const uint8_t *prior, uint32_t width, size_t pixel, size_t sample,
                              uint8_t *out) {
    uint8_t *cur = row + 1;
    const uint8_t *up = prior + 1;
    const size_t k0 = 0, k1 = sample, k2 = 2 * sample;
    const size_t end = (size_t)width * pixel;
    /* Pixel 0 has no left neighbour: left and upper-left are 0, so sub is none, average is up / 2, Paeth is up. */
    switch (row[0]) {
    case 0: break;
    case 1:
        for (size_t i = pixel; i < end; i += pixel) {
            cur[i + k0] += cur[i + k0 - pixel];
            cur[i + k1] += cur[i + k1 - pixel];
            cur[i + k2] += cur[i + k2 - pixel];
        }
        break;
    case 2:
        for (size_t i = 0; i < end; i += pixel) {
            cur[i + k0] += up[i + k0];
            cur[i + k1] += up[i + k1];
            cur[i + k2] += up[i + k2];
        }
        break;
    case 3:
        cur[k0] += up[k0] >> 1;
        cur[k1] += up[k1] >> 1;
        cur[k2] += up[k2] >> 1;
        for (size_t i = pixel; i < end; i += pixel) {
            cur[i + k0] += (uint8_t)((cur[i + k0 - pixel] + up[i + k0]) >> 1);
            cur[i + k1] += (uint8_t)((cur[i + k1 - pixel] + up[i + k1]) >> 1);
            cur[i + k2] += (uint8_t)((cur[i + k2 - pixel] + up[i + k2]) >> 1);
        }
        break;
    case 4:
        cur[k0] += up[k0];
        cur[k1] += up[k1];
        cur[k2] += up[k2];
        for (size_t i = pixel; i < end; i += pixel) {
            cur[i + k0] += mbpng_paeth(cur[i + k0 - pixel], up[i + k0], up[i + k0 - pixel]);
            cur[i + k1] += mbpng_paeth(cur[i + k1 - pixel], up[i + k1], up[i + k1 - pixel]);
            cur[i + k2] += mbpng_paeth(cur[i + k2 - pixel], up[i + k2], up[i + k2 - pixel]);
        }
        break;
    default: return 0;
    }
    for (size_t x = 0, i = 0; i < end; x += 3, i += pixel) {
        out[x + 0] = cur[i + k2];
        out[x + 1] = cur[i + k1];
        out[x + 2] = cur[i + k0];
    }
    return 1;
}

/* Returns 1 with `pixels` filled when the fast path decoded the file, 0 when libpng must decide. */
static int mbpng_decode_fast(const uint8_t *data, size_t size, uint8_t *pixels, size_t pixels_size) {
    static const uint8_t signature[8] = {137, 80, 78, 71, 13, 10, 26, 10};
    if (size < 8 || memcmp(data, signature, 8) != 0) return 0;
    uint32_t width = 0, height = 0;
    int bit_depth = 0, color_type = 0;
    size_t offset = 8, idat_bytes = 0, idat_chunks = 0, first_idat = 0;
    int idat_done = 0, ended = 0;
    while (!ended) {
        if (size - offset < 12) return 0;
        uint32_t length = mbpng_be32(data + offset);
        if (length > 0x7fffffffu || length > size - offset - 12) return 0;
        const uint8_t *type = data + offset + 4;
        const uint8_t *body = type + 4;
        if (!mbpng_valid_type(type)) return 0;
        if (libdeflate_crc32(0, type, (size_t)length + 4) != mbpng_be32(body + length)) return 0;
        if (offset == 8) {
            if (!mbpng_is_type(type, "IHDR") || length != 13) return 0;
            width = mbpng_be32(body);
            height = mbpng_be32(body + 4);
            bit_depth = body[8];
            color_type = body[9];
            /* compression 0, filter 0, not interlaced; libpng's default user limits of 1,000,000. */
            if (body[10] != 0 || body[11] != 0 || body[12] != 0) return 0;
            if (width == 0 || height == 0 || width > 1000000 || height > 1000000) return 0;
            if ((bit_depth != 8 && bit_depth != 16) || (color_type != 2 && color_type != 6)) return 0;
        } else if (mbpng_is_type(type, "IDAT")) {
            if (idat_done) return 0;
            if (idat_chunks == 0) first_idat = offset;
            idat_chunks++;
            idat_bytes += length;
        } else {
            if (idat_chunks > 0) idat_done = 1;
            if (mbpng_is_type(type, "IEND")) {
                if (length != 0 || idat_chunks == 0) return 0;
                ended = 1;
            } else if ((type[0] & 0x20) == 0 || mbpng_is_type(type, "tRNS") || mbpng_is_type(type, "IHDR")) {
                return 0; /* another critical chunk (PLTE, unknown), or tRNS: libpng's business */
            }
        }
        offset += (size_t)length + 12;
    }
    if ((size_t)width * height * 3 != pixels_size) return 0;
    size_t sample = (size_t)bit_depth / 8;
    size_t pixel = sample * (color_type == 6 ? 4 : 3);
    size_t stride = 1 + (size_t)width * pixel;
    if ((size_t)height > MBPNG_FAST_MAX_INFLATED / stride) return 0;
    size_t inflated_size = stride * height;

    /* The zlib stream: the IDAT bodies, copied together when there are several. */
    uint8_t *joined = NULL;
    const uint8_t *stream = data + first_idat + 8;
    if (idat_chunks > 1) {
        joined = malloc(idat_bytes > 0 ? idat_bytes : 1);
        if (joined == NULL) return 0;
        size_t at = first_idat, filled = 0;
        for (size_t i = 0; i < idat_chunks; i++) {
            uint32_t length = mbpng_be32(data + at);
            memcpy(joined + filled, data + at + 8, length);
            filled += length;
            at += (size_t)length + 12;
        }
        stream = joined;
    }
    uint8_t *inflated = malloc(inflated_size);
    uint8_t *zeros = calloc(stride, 1);
    struct libdeflate_decompressor *decompressor = libdeflate_alloc_decompressor();
    int ok = inflated != NULL && zeros != NULL && decompressor != NULL;
    if (ok) {
        size_t consumed = 0;
        enum libdeflate_result result =
            libdeflate_zlib_decompress_ex(decompressor, stream, idat_bytes, inflated, inflated_size, &consumed, NULL);
        ok = result == LIBDEFLATE_SUCCESS && consumed == idat_bytes;
    }
    for (uint32_t y = 0; ok && y < height; y++) {
        uint8_t *row = inflated + (size_t)y * stride;
        const uint8_t *prior = y > 0 ? row - stride : zeros;
        ok = mbpng_unfilter_row(row, prior, width, pixel, sample, pixels + (size_t)y * width * 3);
    }
    if (decompressor != NULL) libdeflate_free_decompressor(decompressor);
    free(zeros);
    free(inflated);
    free(joined);
    return ok;
}

int mbpng_decode_bgr_fast(const uint8_t *data, size_t size, uint8_t *pixels, size_t pixels_size) {
    return mbpng_decode_fast(data, size, pixels, pixels_size) ? MBPNG_OK : MBPNG_NOT_TAKEN;
}

int mbpng_decode_bgr(const uint8_t *data, size_t size, uint8_t *pixels, size_t pixels_size, char *message,
                     size_t message_size) {
    if (mbpng_decode_fast(data, size, pixels, pixels_size)) return MBPNG_OK;
    return mbpng_decode_bgr_libpng(data, size, pixels, pixels_size, message, message_size);
}
