// CMaskBenchDNN: a convolution layer for OpenCV DNN that runs on oneDNN ("MBOneDNNConvolution"), used for the
// res10 detector's Caffe convolutions (detect.cpp rewrites their type in the prototxt).
//
// Why oneDNN. OpenCV 4.6's convolution reaches 40-65 GFLOP/s on res10's layers (dot products along the input
// channels plus a scalar im2row; Benchmarks/README.md), about half of one core's FMA peak (110 GFLOP/s). oneDNN
// (Intel's inference library, Debian's libdnnl 2.6) JIT-compiles a kernel for each shape and CPU: its brgconv
// kernels ran res10's layers at 90-110 GFLOP/s here, the reorders between OpenCV's NCHW and its blocked layout
// included. Our own convolution.cpp shows what a hand kernel costs to write and to keep right for one shape
// family; a maintained library with per-CPU code paths is the better trade for a network of 32 shapes.
//
// How. Each layer owns one oneDNN convolution built for its input shape (on the first forward after OpenCV
// finalizes the network, the shape then being known, and again after any change), with the weights reordered
// into the layout oneDNN picks once per build, and per forward a reorder of the input from NCHW and of the
// output back. oneDNN caches primitives process-wide, so the second network of the same shapes (a second
// worker) gets the compiled kernels. Every buffer a forward writes is the layer's own (a user-managed
// scratchpad): two workers may share one cached primitive, and run it at once.
//
// Rounding, as convolution.cpp does it: a following BatchNorm or Scale (tryFuse) is applied to each sum as
// "sum x scale + bias" (binary post-ops over a 1 x K x 1 x 1 tensor), not folded into the weights, which would
// round every weight once more (see convolution.cpp's header). A following ReLU or ReLU6 (setActivation) is an
// eltwise post-op.
//
// Layouts between layers. oneDNN's kernels for res10's layers read and write NHWC, OpenCV's blobs are NCHW: each
// layer alone transposes its input in and its output back (3.4 ms of res10's 27 an image). chainOneDNNLayouts,
// called on a network after its first forward (when OpenCV has fused the layers), drops the transposes the graph
// does not need: a convolution whose every reader is such a convolution writes its blob NHWC and they read it so
// (OpenCV only passes the blob along: the shape it declares stays NCHW, the same number of floats); a convolution
// whose only reader is a max pooling of pooling.cpp writes its kernel's own layout (res10's first convolution:
// blocks of 16 channels), which that layer reads; and convolutions that read the same blob of another layer share
// one transposed copy, made by the first of them to run in each forward. The kernels and their sums are the same
// either way, so are the outputs, to the bit (ChainedLayoutsTests). Any new setup of the network (another input
// shape, other outputs asked for) finalizes every layer, which returns it to NCHW in and out until the network is
// chained again.
//
// Threads. oneDNN runs on OpenMP (libgomp), OpenCV on its own pool; a forward asks libgomp for as many threads as
// `cv::getNumThreads()` says (which maskbench sets to 1 per worker). omp_set_num_threads applies to the calling
// thread only, so each worker's forwards run in its own thread and two workers do not oversubscribe the cores.
// Tests check the layer against OpenCV's Convolution (Sources/CMaskBenchDNNTestSupport).

#include "dnn_internal.hpp"

#include <opencv2/core/utility.hpp>
#include <opencv2/dnn/all_layers.hpp>
#include <opencv2/dnn/layer.details.hpp>

#include <oneapi/dnnl/dnnl.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

// libgomp's, declared here rather than through <omp.h>, which clang finds only with its own OpenMP runtime
// installed. The corresponding library is linked in Package.swift ("gomp").
extern "C" void omp_set_num_threads(int threads);

namespace {

/// The CPU engine, shared by every layer (creating primitives on one engine from several threads is safe).
const dnnl::engine &cpuEngine() {
    static const dnnl::engine engine(dnnl::engine::kind::cpu, 0);
    return engine;
}

/// A plain float tensor description in NCHW (or, for weights, OIHW / GOIHW) order.
dnnl::memory::desc plainDesc(const dnnl::memory::dims &dims) {
    using tag = dnnl::memory::format_tag;
    const tag format = dims.size() == 1 ? tag::a : dims.size() == 4 ? tag::abcd : tag::abcde;
    return dnnl::memory::desc(dims, dnnl::memory::data_type::f32, format);
}

/// A blob that several convolutions read (another layer's output), transposed once per forward into the layout
/// their kernels take: the first of them in the network's order makes the copy, the others read it.
struct SharedSource {
    /// The copy and its layout (empty until the first reader builds its primitive).
    dnnl::memory copy;
    /// Counts the copies made; a reader other than the first reads the copy only when a new one was made since its
    /// last forward (then in this forward: the network runs every layer in order).
    uint64_t generation = 0;
};

class OneDNNConvolutionLayer final : public cv::dnn::Layer {
  public:
    explicit OneDNNConvolutionLayer(const cv::dnn::LayerParams &params)
        : cv::dnn::Layer(params), window_(params), groups_(params.get<int>("group", 1)) {
        CV_Assert(!params.blobs.empty() && params.blobs[0].dims == 4 && params.blobs[0].type() == CV_32F);
        CV_Assert(groups_ >= 1);
        outChannels_ = params.blobs[0].size[0];
        inChannels_ = params.blobs[0].size[1] * groups_;
        CV_Assert(outChannels_ % groups_ == 0);
        CV_Assert(params.blobs[0].size[2] == window_.kernelH && params.blobs[0].size[3] == window_.kernelW);
        CV_Assert(params.blobs[0].isContinuous());
        weights_ = params.blobs[0].clone();
        originalBias_ = mbdnn::layerBias(params, outChannels_, static_cast<size_t>(outChannels_));
        hasBias_ = params.blobs.size() > 1;
        unfuse();
    }

    /// OpenCV finalizes every layer, then fuses them again, each time the input shape changes: start from the
    /// layer's own bias and no activation, so a BatchNorm and an activation are taken in once.
    void finalize(cv::InputArrayOfArrays, cv::OutputArrayOfArrays) override { unfuse(); }

    static cv::Ptr<cv::dnn::Layer> create(cv::dnn::LayerParams &params) {
        return cv::makePtr<OneDNNConvolutionLayer>(params);
    }

    /// The layers taken in (tryFuse, setActivation), in order: OpenCV skips them, and their readers read this
    /// layer's output.
    const std::vector<std::string> &takenIn() const { return takenIn_; }

    /// Whether oneDNN's kernel for this layer reads and writes NHWC (left to choose its layouts, see layouts()).
    bool kernelTakesNHWC() const { return layouts().first == dnnl::memory::format_tag::any; }

    /// Whether oneDNN's kernel for this layer writes blocks of 16 channels (see layouts()) that fill the NCHW blob
    /// exactly (with a channel count not a multiple of 16 the last block is padded, past the blob's end).
    bool kernelWritesBlocks() const {
        return layouts().second == dnnl::memory::format_tag::aBcd16b && outChannels_ % 16 == 0;
    }

    /// Sets the layouts of the input and output blobs (chainOneDNNLayouts): NCHW, or NHWC, or for the output the
    /// kernel's blocks of 16 channels; and the shared copy of the input, if any, and whether this layer makes it.
    /// The primitive is built again.
    void setBlobLayouts(bool inputNHWC, dnnl::memory::format_tag output, std::shared_ptr<SharedSource> source,
                        bool copiesSource) {
        inputNHWC_ = inputNHWC;
        outputTag_ = output;
        source_ = std::move(source);
        copiesSource_ = copiesSource;
        seenGeneration_ = 0;
        built_ = Built();
    }

    /// The layouts chainOneDNNLayouts set: input NHWC, output not NCHW, reads a shared copy (0 or 1 each).
    std::vector<int> blobLayouts() const {
        return {inputNHWC_, outputTag_ != dnnl::memory::format_tag::abcd, source_ != nullptr};
    }

    bool getMemoryShapes(const std::vector<cv::dnn::MatShape> &inputs, const int,
                         std::vector<cv::dnn::MatShape> &outputs, std::vector<cv::dnn::MatShape> &) const override {
        outputs.assign(1, window_.outputShape(inputs, inChannels_, outChannels_));
        return false;
    }

    /// Takes in a following BatchNorm or Scale (any layer with a per-channel scale and shift) as the scale and
    /// bias applied to each sum, not folded into the weights (see the file's comment).
    bool tryFuse(cv::Ptr<cv::dnn::Layer> &top) override {
        if (clamp_.taken || !mbdnn::takeScaleShift(top, outChannels_, scale_.data(), bias_.data())) {
            return false;
        }
        scaled_ = true;
        takenIn_.push_back(top->name);
        built_ = Built();
        return true;
    }

    /// Takes a following ReLU6 or plain ReLU as a clamp.
    bool setActivation(const cv::Ptr<cv::dnn::ActivationLayer> &layer) override {
        if (!clamp_.take(layer)) {
            return false;
        }
        takenIn_.push_back(layer->name);
        built_ = Built();
        return true;
    }

    void forward(cv::InputArrayOfArrays inputsArray, cv::OutputArrayOfArrays outputsArray,
                 cv::OutputArrayOfArrays) override {
        auto [x, y] = mbdnn::forwardBlobs(inputsArray, outputsArray);
        const dnnl::memory::dims src{x.size[0], x.size[1], x.size[2], x.size[3]};
        try {
            // Per calling thread (libgomp's threads-per-region setting is thread-local): see the file's comment.
            // Before a build too: oneDNN splits a primitive's work for the thread count it sees when creating it,
            // and runs that many threads whatever the setting is later.
            omp_set_num_threads(std::max(1, cv::getNumThreads()));
            if (!built_.convolution || built_.shape != src) {
                build(src);
            }
            dnnl::stream stream(cpuEngine());
            built_.userSrc.set_data_handle(const_cast<float *>(x.ptr<float>()));
            built_.userDst.set_data_handle(y.ptr<float>());
            if (built_.srcReorder) {
                // A shared copy is read when another reader made it in this forward (see SharedSource).
                const bool copied = built_.readsSource && !copiesSource_ && source_->generation != seenGeneration_;
                if (!copied) {
                    built_.srcReorder.execute(stream, built_.userSrc, built_.src);
                    if (built_.readsSource) {
                        source_->generation++;
                    }
                }
                if (built_.readsSource) {
                    seenGeneration_ = source_->generation;
                }
            }
            std::unordered_map<int, dnnl::memory> args{{DNNL_ARG_SRC, built_.src},
                                                       {DNNL_ARG_WEIGHTS, built_.weights},
                                                       {DNNL_ARG_DST, built_.dst},
                                                       {DNNL_ARG_SCRATCHPAD, built_.scratchpad}};
            if (built_.bias) {
                args.emplace(DNNL_ARG_BIAS, built_.bias);
            }
            if (scaled_) {
                args.emplace(DNNL_ARG_ATTR_MULTIPLE_POST_OP(0) | DNNL_ARG_SRC_1, built_.scale);
                args.emplace(DNNL_ARG_ATTR_MULTIPLE_POST_OP(1) | DNNL_ARG_SRC_1, built_.shift);
            }
            built_.convolution.execute(stream, args);
            if (built_.dstReorder) {
                built_.dstReorder.execute(stream, built_.dst, built_.userDst);
            }
            stream.wait();
        } catch (const dnnl::error &e) {
            CV_Error(cv::Error::StsError, "oneDNN convolution '" + name + "': " + e.what());
        }
    }

  private:
    /// What one input shape needs: the primitive, its weights in its layout, its buffers and the reorders.
    struct Built {
        /// The input's dimensions (NCHW) it was built for.
        dnnl::memory::dims shape;
        dnnl::convolution_forward convolution;
        dnnl::memory weights, bias, scale, shift, scratchpad;
        /// The caller's NCHW input and output (their data set per forward) and oneDNN's layout of them (the same
        /// memory when oneDNN takes NCHW itself, then without a reorder).
        dnnl::memory userSrc, userDst, src, dst;
        dnnl::reorder srcReorder, dstReorder;
        /// Whether `src` is the shared copy of the input (source_).
        bool readsSource = false;
    };

    /// Builds the primitive for an input of dimensions `src`, with the fused scale, bias and clamp.
    void build(const dnnl::memory::dims &src) {
        using dims = dnnl::memory::dims;
        using tag = dnnl::memory::format_tag;
        const mbdnn::Window &w = window_;
        const dnnl::engine &engine = cpuEngine();
        Built b;
        b.shape = src;
        const dims dst{src[0], outChannels_, w.outH(static_cast<int>(src[2])), w.outW(static_cast<int>(src[3]))};
        const dims weights = groups_ == 1 ? dims{outChannels_, inChannels_, w.kernelH, w.kernelW}
                                          : dims{groups_, outChannels_ / groups_, inChannels_ / groups_,
                                                 w.kernelH, w.kernelW};
        const dims channels{1, outChannels_, 1, 1};
        const auto f32 = dnnl::memory::data_type::f32;
        // With a fused BatchNorm the bias is the post-ops' (sum x scale + bias); otherwise the layer's own, if any.
        const bool convolutionBias = hasBias_ && !scaled_;
        const dnnl::memory::desc biasDesc = convolutionBias ? plainDesc({outChannels_}) : dnnl::memory::desc();

        dnnl::post_ops ops;
        if (scaled_) {
            ops.append_binary(dnnl::algorithm::binary_mul, plainDesc(channels));
            ops.append_binary(dnnl::algorithm::binary_add, plainDesc(channels));
        }
        if (clamp_.taken) {
            if (std::isinf(clamp_.high) && clamp_.low == 0.0f) {
                ops.append_eltwise(1.0f, dnnl::algorithm::eltwise_relu, 0.0f, 0.0f);
            } else {
                ops.append_eltwise(1.0f, dnnl::algorithm::eltwise_clip, clamp_.low, clamp_.high);
            }
        }
        dnnl::primitive_attr attr;
        attr.set_post_ops(ops);
        attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);

        // The layouts of the input and output: see layouts(). oneDNN counts dilation from 0 (no gap between taps).
        const auto describe = [&](tag srcTag, tag dstTag) {
            return dnnl::convolution_forward::desc(
                dnnl::prop_kind::forward_inference, dnnl::algorithm::convolution_direct,
                dnnl::memory::desc(src, f32, srcTag), dnnl::memory::desc(weights, f32, tag::any), biasDesc,
                dnnl::memory::desc(dst, f32, dstTag), dims{w.strideH, w.strideW},
                dims{w.dilationH - 1, w.dilationW - 1}, dims{w.padTop, w.padLeft}, dims{w.padBottom, w.padRight});
        };
        auto [srcTag, dstTag] = layouts();
        if (inputNHWC_) {
            srcTag = tag::acdb;
        }
        if (outputTag_ != tag::abcd) {
            dstTag = outputTag_;
        }
        dnnl::convolution_forward::primitive_desc pd;
        try {
            pd = dnnl::convolution_forward::primitive_desc(describe(srcTag, dstTag), attr, engine);
        } catch (const dnnl::error &) {
            // No implementation takes these layouts: let oneDNN choose.
        }
        if (!pd || std::string(pd.impl_info_str()).rfind("ref", 0) == 0) {
            // Nor is its reference loop (100 times slower) worth them.
            pd = dnnl::convolution_forward::primitive_desc(describe(tag::any, tag::any), attr, engine);
        }
        b.convolution = dnnl::convolution_forward(pd);
        b.scratchpad = dnnl::memory(pd.scratchpad_desc(), engine);

        dnnl::stream stream(engine);
        // The weights into oneDNN's layout, once per build.
        dnnl::memory plainWeights(plainDesc(weights), engine, weights_.ptr<float>());
        b.weights = dnnl::memory(pd.weights_desc(), engine);
        dnnl::reorder(plainWeights, b.weights).execute(stream, plainWeights, b.weights);
        if (convolutionBias) {
            b.bias = dnnl::memory(biasDesc, engine);
            std::copy(originalBias_.begin(), originalBias_.end(), static_cast<float *>(b.bias.get_data_handle()));
        }
        if (scaled_) {
            b.scale = dnnl::memory(plainDesc(channels), engine);
            b.shift = dnnl::memory(plainDesc(channels), engine);
            std::copy(scale_.begin(), scale_.end(), static_cast<float *>(b.scale.get_data_handle()));
            std::copy(bias_.begin(), bias_.end(), static_cast<float *>(b.shift.get_data_handle()));
        }
        stream.wait();

        // The blobs as OpenCV holds them: NCHW, or NHWC where chainOneDNNLayouts chained the layers.
        b.userSrc = dnnl::memory(inputNHWC_ ? dnnl::memory::desc(src, f32, tag::acdb) : plainDesc(src), engine,
                                 DNNL_MEMORY_NONE);
        b.userDst = dnnl::memory(dnnl::memory::desc(dst, f32, outputTag_), engine, DNNL_MEMORY_NONE);
        if (pd.src_desc() == b.userSrc.get_desc()) {
            b.src = b.userSrc;
        } else {
            if (source_ != nullptr && !source_->copy) {
                source_->copy = dnnl::memory(pd.src_desc(), engine);
            }
            b.readsSource = source_ != nullptr && source_->copy.get_desc() == pd.src_desc();
            b.src = b.readsSource ? source_->copy : dnnl::memory(pd.src_desc(), engine);
            b.srcReorder = dnnl::reorder(b.userSrc, b.src);
        }
        if (pd.dst_desc() == b.userDst.get_desc()) {
            b.dst = b.userDst;
        } else {
            b.dst = dnnl::memory(pd.dst_desc(), engine);
            b.dstReorder = dnnl::reorder(b.dst, b.userDst);
        }
        built_ = std::move(b);
    }

    /// The layouts asked of oneDNN for the input and output (tag::any: its choice). Left to choose, oneDNN 2.6 takes
    /// NHWC for all of res10's layers (its brgconv kernels), and the reorders from and to OpenCV's NCHW are
    /// transposes: 4.4 ms an image, 1 ms of it res10's first layer (3 input channels, 32 outputs of 150 x 150).
    /// There NCHW input and an output in blocks of 16 channels (nChw16c) select oneDNN's "first convolution"
    /// kernel, which reads the image as it is and writes runs of 16 floats that reorder at half the cost. On the
    /// other layers nChw16c cuts the reorders as much but selects other kernels, whose sums in another order
    /// change res10's scores in the last bits (Benchmarks/README.md); grouped layers were not measured.
    std::pair<dnnl::memory::format_tag, dnnl::memory::format_tag> layouts() const {
        using tag = dnnl::memory::format_tag;
        if (groups_ == 1 && inChannels_ < 16) {
            return {tag::abcd, tag::aBcd16b};
        }
        return {tag::any, tag::any};
    }

    /// The layer's own bias, a scale of 1 and no activation; the primitive is built again on the next forward.
    void unfuse() {
        scale_.assign(originalBias_.size(), 1.0f);
        bias_ = originalBias_;
        scaled_ = false;
        clamp_ = mbdnn::Clamp();
        takenIn_.clear();
        setBlobLayouts(false, dnnl::memory::format_tag::abcd, nullptr, false);
    }

    mbdnn::Window window_;
    int groups_ = 1, inChannels_ = 0, outChannels_ = 0;
    /// The weights as the model gives them (OIHW), reordered into each primitive's layout when it is built.
    cv::Mat weights_;
    bool hasBias_ = false;
    /// Per output channel: the layer's bias, and after tryFuse the scale and bias applied to each sum.
    std::vector<float> originalBias_, scale_, bias_;
    /// Whether a BatchNorm or Scale was taken in (then the post-ops apply scale_ and bias_).
    bool scaled_ = false;
    mbdnn::Clamp clamp_;
    /// The names of the layers taken in, in order.
    std::vector<std::string> takenIn_;
    /// The blob layouts (chainOneDNNLayouts): input NHWC, the output's layout; the input's shared copy, if any, and
    /// whether this layer makes it (the first reader) or reads it; the copy's generation this layer last saw.
    bool inputNHWC_ = false;
    dnnl::memory::format_tag outputTag_ = dnnl::memory::format_tag::abcd;
    std::shared_ptr<SharedSource> source_;
    bool copiesSource_ = false;
    uint64_t seenGeneration_ = 0;
    Built built_;
};

} // namespace

namespace mbdnn {

const char *const oneDNNConvolutionLayerType = "MBOneDNNConvolution";

void registerOneDNNConvolutionLayer() {
    static std::once_flag once;
    std::call_once(once, [] {
        cv::dnn::LayerFactory::registerLayer(oneDNNConvolutionLayerType, OneDNNConvolutionLayer::create);
    });
}

void chainOneDNNLayouts(cv::dnn::Net &net) {
    // The convolutions, and the layers they took in (OpenCV skips those: their readers read the convolution's
    // output blob).
    std::vector<int> ids;
    std::map<std::string, OneDNNConvolutionLayer *> convolutions;
    std::map<std::string, std::string> takenInto;
    for (const cv::String &name : net.getLayerNames()) {
        const int id = net.getLayerId(name);
        ids.push_back(id);
        if (auto *convolution = dynamic_cast<OneDNNConvolutionLayer *>(net.getLayer(id).get())) {
            convolutions[name] = convolution;
            for (const std::string &taken : convolution->takenIn()) {
                takenInto[taken] = name;
            }
        }
    }
    std::sort(ids.begin(), ids.end());
    // Each layer's readers, in the network's order (OpenCV runs the layers by id): a blob is the output of a
    // layer not taken in, read by the layers not taken in whose inputs are that layer or one it took in.
    std::map<std::string, std::vector<cv::Ptr<cv::dnn::Layer>>> readers;
    for (const int id : ids) {
        const cv::Ptr<cv::dnn::Layer> layer = net.getLayer(id);
        if (takenInto.count(layer->name) != 0) {
            continue;
        }
        for (const cv::Ptr<cv::dnn::Layer> &input : net.getLayerInputs(id)) {
            const auto owner = takenInto.find(input->name);
            readers[owner == takenInto.end() ? input->name : owner->second].push_back(layer);
        }
    }
    const auto asConvolution = [&](const cv::Ptr<cv::dnn::Layer> &layer) -> OneDNNConvolutionLayer * {
        auto *convolution = dynamic_cast<OneDNNConvolutionLayer *>(layer.get());
        return convolution != nullptr && net.getLayerInputs(net.getLayerId(layer->name)).size() == 1 ? convolution
                                                                                                     : nullptr;
    };
    using tag = dnnl::memory::format_tag;
    struct Layouts {
        bool inputNHWC = false;
        tag output = tag::abcd;
    };
    std::map<OneDNNConvolutionLayer *, Layouts> layouts;
    std::map<OneDNNConvolutionLayer *, std::pair<std::shared_ptr<SharedSource>, bool>> sources;
    for (const int id : ids) {
        setMaxPoolBlockedInput(net.getLayer(id), false);
    }
    for (const auto &[name, blobReaders] : readers) {
        std::vector<OneDNNConvolutionLayer *> nhwcReaders;
        for (const auto &reader : blobReaders) {
            if (auto *convolution = asConvolution(reader); convolution != nullptr && convolution->kernelTakesNHWC()) {
                nhwcReaders.push_back(convolution);
            }
        }
        const auto writer = convolutions.find(name);
        if (writer != convolutions.end() && writer->second->kernelTakesNHWC() && !blobReaders.empty() &&
            nhwcReaders.size() == blobReaders.size()) {
            layouts[writer->second].output = tag::acdb;
            for (auto *reader : nhwcReaders) {
                layouts[reader].inputNHWC = true;
            }
        } else if (writer != convolutions.end() && writer->second->kernelWritesBlocks() && blobReaders.size() == 1 &&
                   setMaxPoolBlockedInput(blobReaders[0], true)) {
            // A max pooling alone reads the kernel's blocks (res10's first convolution and conv1_pool).
            layouts[writer->second].output = tag::aBcd16b;
        } else if (nhwcReaders.size() > 1) {
            auto source = std::make_shared<SharedSource>();
            for (size_t i = 0; i < nhwcReaders.size(); i++) {
                sources[nhwcReaders[i]] = {source, i == 0};
            }
        }
    }
    for (const auto &[name, convolution] : convolutions) {
        const Layouts layout = layouts[convolution];
        const auto source = sources[convolution];
        convolution->setBlobLayouts(layout.inputNHWC, layout.output, source.first, source.second);
    }
}

std::vector<int> oneDNNBlobLayouts(const cv::Ptr<cv::dnn::Layer> &layer) {
    auto *convolution = dynamic_cast<OneDNNConvolutionLayer *>(layer.get());
    return convolution != nullptr ? convolution->blobLayouts() : std::vector<int>{};
}

} // namespace mbdnn
