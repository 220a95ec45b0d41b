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
 */
int mbpng_decode_bgr(const uint8_t *data, size_t size, uint8_t *pixels, size_t pixels_size, char *message,
                     size_t message_size);

#ifdef __cplusplus
}
#endif

#endif
