/* Differential fuzzing of Sources/CMaskBenchPNGDecode: the faster route (libdeflate, only the kept bytes
 * unfiltered) must never answer where libpng alone would answer differently. Every chunk CRC is fixed before
 * decoding, so mutations reach inflate and the unfilter instead of stopping at the CRC check. Built and run by
 * Fuzz/run.sh (target png-routes) with clang -fsanitize=fuzzer,address,undefined. */
#include "CMaskBenchPNGDecode.h"

#include <stdlib.h>
#include <string.h>
#include <zlib.h>

static void fix_crcs(uint8_t *data, size_t size) {
    size_t offset = 8;
    while (size >= 8 && offset + 12 <= size) {
        uint32_t length = (uint32_t)data[offset] << 24 | (uint32_t)data[offset + 1] << 16 |
                          (uint32_t)data[offset + 2] << 8 | data[offset + 3];
        if (length > size - offset - 12) return;
        uint32_t crc = (uint32_t)crc32(0, data + offset + 4, length + 4);
        uint8_t *at = data + offset + 8 + length;
        at[0] = (uint8_t)(crc >> 24);
        at[1] = (uint8_t)(crc >> 16);
        at[2] = (uint8_t)(crc >> 8);
        at[3] = (uint8_t)crc;
        offset += (size_t)length + 12;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *input, size_t size) {
    uint8_t *data = malloc(size > 0 ? size : 1);
    if (data == NULL) return 0;
    memcpy(data, input, size);
    fix_crcs(data, size);
    mbpng_header header;
    char message[256];
    size_t pixels = 0;
    if (mbpng_read_header(data, size, &header, message, sizeof message) == 0) {
        pixels = (size_t)header.width * header.height;
    }
    if (pixels > 0 && pixels <= (1u << 20)) {
        uint8_t *fast = calloc(pixels, 3), *reference = calloc(pixels, 3);
        if (fast != NULL && reference != NULL && mbpng_decode_bgr_fast(data, size, fast, pixels * 3) == 0) {
            int status = mbpng_decode_bgr_libpng(data, size, reference, pixels * 3, message, sizeof message);
            if (status != 0 || memcmp(fast, reference, pixels * 3) != 0) abort();
        }
        free(fast);
        free(reference);
    }
    free(data);
    return 0;
}
