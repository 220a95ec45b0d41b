#include "CMaskBenchPNGDecode.h"

#include <png.h>
#include <setjmp.h>
#include <stdio.h>
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

int mbpng_decode_bgr(const uint8_t *data, size_t size, uint8_t *pixels, size_t pixels_size, char *message,
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
