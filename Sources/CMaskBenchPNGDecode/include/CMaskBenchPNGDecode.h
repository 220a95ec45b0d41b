#ifndef CMASKBENCH_PNG_DECODE_H
#define CMASKBENCH_PNG_DECODE_H

/* PNG decoding through libpng's classic API, configured the way OpenCV's PngDecoder configures it for
 * cv::imread(path, IMREAD_COLOR). libpng reports errors with longjmp; the setjmp lives here, so no longjmp
 * ever crosses a Swift frame. Every function returns 0 on success, or a nonzero mbpng_status with a message
 * written into the caller's buffer. */

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Result codes. */
typedef enum mbpng_status {
    MBPNG_OK = 0,
    /** libpng called its error handler (bad signature, CRC error, truncated data, ...). */
    MBPNG_LIBPNG_ERROR = 1,
    /** The output buffer given to mbpng_decode_bgr does not have width * height * 3 bytes. */
    MBPNG_BAD_BUFFER = 2,
    /** png_create_read_struct or png_create_info_struct returned NULL (out of memory). */
    MBPNG_NO_MEMORY = 3,
    /** mbpng_decode_bgr_fast: the file is not one the faster route takes, or it has a flaw. */
    MBPNG_NOT_TAKEN = 4,
} mbpng_status;

/** The header fields of a PNG image. */
typedef struct mbpng_header {
    uint32_t width;
    uint32_t height;
    /** Bits per sample: 1, 2, 4, 8 or 16. */
    int bit_depth;
    /** PNG_COLOR_TYPE_*: 0 gray, 2 RGB, 3 palette, 4 gray+alpha, 6 RGBA. */
    int color_type;
} mbpng_header;

/** Reads the IHDR of the PNG in `data` without decoding pixels. */
int mbpng_read_header(const uint8_t *data, size_t size, mbpng_header *header, char *message, size_t message_size);

/**
 * Decodes the PNG in `data` into `pixels` as 8-bit BGR, 3 bytes per pixel, rows top to bottom, exactly as
 * cv::imread(IMREAD_COLOR) does: 16-bit samples keep their high byte (png_set_strip_16), alpha is dropped
 * (png_set_strip_alpha), palettes expand to RGB, gray expands to three equal channels, tRNS is ignored,
 * interlaced images are deinterlaced. `pixels_size` must be width * height * 3.
 *
 * A flawless non-interlaced 8- or 16-bit RGB or RGBA file (the usual photo) takes a faster route (libdeflate,
 * and unfiltering only the bytes kept) with the same result; every other file, and any file with a flaw, goes
 * through libpng (mbpng_decode_bgr_libpng).
 */
int mbpng_decode_bgr(const uint8_t *data, size_t size, uint8_t *pixels, size_t pixels_size, char *message,
                     size_t message_size);

/** The faster route of mbpng_decode_bgr alone: MBPNG_OK, or MBPNG_NOT_TAKEN with `pixels` unspecified. */
int mbpng_decode_bgr_fast(const uint8_t *data, size_t size, uint8_t *pixels, size_t pixels_size);

/** mbpng_decode_bgr through libpng only, for every file; the reference the faster route is tested against. */
int mbpng_decode_bgr_libpng(const uint8_t *data, size_t size, uint8_t *pixels, size_t pixels_size, char *message,
                            size_t message_size);

#ifdef __cplusplus
}
#endif

#endif
