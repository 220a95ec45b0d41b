// CMaskBenchDNN: a Keras 2 HDF5 importer that builds a cv::dnn::Net at load time.
//
// The file's `model_config` attribute (JSON, read with simdjson: OpenCV's own reader rejects its nulls) gives
// the graph; `model_weights/<layer>/<weight name>` the weights (libhdf5 C API). Keras works in NHWC, OpenCV in
// NCHW, so kernels are transposed and axes remapped; the mapping below matched TensorFlow to 1e-5 relative on
// the reference models (../shared/reference/README.md):
//   Conv2D -> Convolution, kernel (kh,kw,in,out) -> (out,in,kh,kw); DepthwiseConv2D -> Convolution with
//   group = C, kernel (kh,kw,C,dm) -> (C*dm,1,kh,kw). 'same' pads TensorFlow's way (the extra pixel at the
//   bottom/right): symmetric padding stays in the convolution, asymmetric padding becomes a Padding layer
//   (OpenCV 4.6 convolutions reject asymmetric pads; OpenCV's pad_mode SAME is not equivalent). A
//   DepthwiseConv2D with depth multiplier 1 and no dilation becomes depthwise.cpp's layer instead, which pads
//   by itself, also for a ZeroPadding2D just before it (a ZeroPadding2D is added to the net only when
//   another kind of layer reads it).
//   BatchNormalization -> BatchNorm with the file's epsilon. ReLU(max 6) -> ReLU6. Add -> sum.cpp's layer.
//   Concatenate -> Concat with the axis remapped. Pooling floors (ceil_mode false) and averages only over
//   real pixels (ave_pool_padded_area false). Flatten over H*W > 1 -> Permute (0,2,3,1) then Flatten (Keras
//   flattens NHWC). Dense -> InnerProduct with the kernel transposed. Dropout -> nothing. Activations become
//   their own layers. Nested Model/Sequential layers are inlined; their weights are found through the
//   top-level group's `weight_names`.
//
// libhdf5 (Debian's serial build) is not thread-safe, so every HDF5 call here runs under one mutex.

#include "dnn_internal.hpp"

#include <hdf5.h>
#include <simdjson.h>

#include <opencv2/core.hpp>
#include <opencv2/dnn.hpp>

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace mbdnn {
namespace {

namespace dom = simdjson::dom;

// MARK: - Errors

[[noreturn]] void formatError(const std::string &message) { throw Error(MBDNN_ERR_FORMAT, message); }

// MARK: - HDF5

std::mutex &hdf5Mutex() {
    static std::mutex mutex;
    return mutex;
}

/// Owns an HDF5 identifier and closes it with the matching H5?close.
class Handle {
  public:
    Handle() = default;
    Handle(hid_t id, herr_t (*close)(hid_t)) : id_(id), close_(close) {}
    Handle(const Handle &) = delete;
    Handle &operator=(const Handle &) = delete;
    Handle(Handle &&other) noexcept : id_(other.id_), close_(other.close_) { other.id_ = -1; }
    Handle &operator=(Handle &&other) noexcept {
        if (this != &other) {
            reset();
            id_ = other.id_;
            close_ = other.close_;
            other.id_ = -1;
        }
        return *this;
    }
    ~Handle() { reset(); }
    hid_t get() const { return id_; }
    bool valid() const { return id_ >= 0; }

  private:
    void reset() noexcept {
        if (id_ >= 0 && close_ != nullptr) {
            close_(id_);
        }
        id_ = -1;
    }
    hid_t id_ = -1;
    herr_t (*close_)(hid_t) = nullptr;
};

/// Whether `name` (a path relative to `location`) exists, without HDF5 printing an error stack.
bool exists(hid_t location, const std::string &name) {
    // H5Lexists needs every intermediate link to exist: walk the path one component at a time.
    size_t start = 0;
    while (true) {
        size_t slash = name.find('/', start);
        std::string prefix = name.substr(0, slash);
        if (H5Lexists(location, prefix.c_str(), H5P_DEFAULT) <= 0) {
            return false;
        }
        if (slash == std::string::npos) {
            return true;
        }
        start = slash + 1;
    }
}

/// Reads a string attribute (variable-length or fixed-length) or returns false when it is absent.
bool readStringAttribute(hid_t object, const char *name, std::string &value) {
    if (H5Aexists(object, name) <= 0) {
        return false;
    }
    Handle attribute(H5Aopen(object, name, H5P_DEFAULT), H5Aclose);
    if (!attribute.valid()) {
        formatError(std::string("cannot open the HDF5 attribute '") + name + "'");
    }
    Handle type(H5Aget_type(attribute.get()), H5Tclose);
    if (H5Tget_class(type.get()) != H5T_STRING) {
        formatError(std::string("the HDF5 attribute '") + name + "' is not a string");
    }
    if (H5Tis_variable_str(type.get()) > 0) {
        Handle memType(H5Tcopy(H5T_C_S1), H5Tclose);
        H5Tset_size(memType.get(), H5T_VARIABLE);
        H5Tset_cset(memType.get(), H5Tget_cset(type.get()));
        char *text = nullptr;
        if (H5Aread(attribute.get(), memType.get(), &text) < 0 || text == nullptr) {
            formatError(std::string("cannot read the HDF5 attribute '") + name + "'");
        }
        value.assign(text);
        Handle space(H5Aget_space(attribute.get()), H5Sclose);
        H5Dvlen_reclaim(memType.get(), space.get(), H5P_DEFAULT, &text);
        return true;
    }
    size_t size = H5Tget_size(type.get());
    std::vector<char> buffer(size + 1, '\0');
    if (H5Aread(attribute.get(), type.get(), buffer.data()) < 0) {
        formatError(std::string("cannot read the HDF5 attribute '") + name + "'");
    }
    value.assign(buffer.data(), strnlen(buffer.data(), size));
    return true;
}

/// Reads a string-array attribute such as `weight_names`: fixed-length or variable-length strings; an empty
/// numeric array (what Keras writes for layers without weights) or an absent attribute gives no names.
std::vector<std::string> readStringListAttribute(hid_t object, const char *name) {
    std::vector<std::string> names;
    if (H5Aexists(object, name) <= 0) {
        return names;
    }
    Handle attribute(H5Aopen(object, name, H5P_DEFAULT), H5Aclose);
    Handle type(H5Aget_type(attribute.get()), H5Tclose);
    Handle space(H5Aget_space(attribute.get()), H5Sclose);
    if (!attribute.valid() || !type.valid() || !space.valid()) {
        formatError(std::string("cannot open the HDF5 attribute '") + name + "'");
    }
    hssize_t count = H5Sget_simple_extent_npoints(space.get());
    if (count <= 0 || H5Tget_class(type.get()) != H5T_STRING) {
        return names;
    }
    if (H5Tis_variable_str(type.get()) > 0) {
        Handle memType(H5Tcopy(H5T_C_S1), H5Tclose);
        H5Tset_size(memType.get(), H5T_VARIABLE);
        std::vector<char *> texts(static_cast<size_t>(count), nullptr);
        if (H5Aread(attribute.get(), memType.get(), texts.data()) < 0) {
            formatError(std::string("cannot read the HDF5 attribute '") + name + "'");
        }
        for (char *text : texts) {
            names.emplace_back(text == nullptr ? "" : text);
        }
        H5Dvlen_reclaim(memType.get(), space.get(), H5P_DEFAULT, texts.data());
        return names;
    }
    size_t size = H5Tget_size(type.get());
    std::vector<char> buffer(size * static_cast<size_t>(count));
    if (H5Aread(attribute.get(), type.get(), buffer.data()) < 0) {
        formatError(std::string("cannot read the HDF5 attribute '") + name + "'");
    }
    for (hssize_t i = 0; i < count; i++) {
        const char *start = buffer.data() + static_cast<size_t>(i) * size;
        names.emplace_back(start, strnlen(start, size));
    }
    return names;
}

/// A float32 array read from an HDF5 dataset, with its shape.
struct Array {
    std::vector<int> shape;
    std::vector<float> values;
};

Array readDataset(hid_t group, const std::string &path) {
    Handle dataset(H5Dopen2(group, path.c_str(), H5P_DEFAULT), H5Dclose);
    if (!dataset.valid()) {
        formatError("cannot open the HDF5 dataset '" + path + "'");
    }
    Handle space(H5Dget_space(dataset.get()), H5Sclose);
    int rank = H5Sget_simple_extent_ndims(space.get());
    if (rank < 0 || rank > 8) {
        formatError("the HDF5 dataset '" + path + "' has an unreadable shape");
    }
    std::vector<hsize_t> dims(static_cast<size_t>(rank));
    H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr);
    Array array;
    size_t total = 1;
    for (hsize_t d : dims) {
        array.shape.push_back(static_cast<int>(d));
        total *= static_cast<size_t>(d);
    }
    array.values.resize(total);
    if (total > 0 &&
        H5Dread(dataset.get(), H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, array.values.data()) < 0) {
        formatError("cannot read the HDF5 dataset '" + path + "' (truncated or corrupt file?)");
    }
    return array;
}

std::string shapeString(const std::vector<int> &shape) {
    std::string s = "(";
    for (size_t i = 0; i < shape.size(); i++) {
        s += (i == 0 ? "" : ",") + std::to_string(shape[i]);
    }
    return s + ")";
}

// MARK: - JSON

dom::element field(dom::element object, const char *key, const std::string &where) {
    dom::element value;
    if (object[key].get(value) != simdjson::SUCCESS) {
        formatError(where + ": missing '" + key + "' in the model config");
    }
    return value;
}

bool optionalField(dom::element object, const char *key, dom::element &value) {
    return object.is_object() && object[key].get(value) == simdjson::SUCCESS && !value.is_null();
}

std::string stringValue(dom::element value, const std::string &where) {
    std::string_view text;
    if (value.get(text) != simdjson::SUCCESS) {
        formatError(where + ": expected a string in the model config");
    }
    return std::string(text);
}

double numberValue(dom::element value, const std::string &where) {
    double number = 0;
    if (value.get_double().get(number) != simdjson::SUCCESS) {
        formatError(where + ": expected a number in the model config");
    }
    return number;
}

int intValue(dom::element value, const std::string &where) {
    double number = numberValue(value, where);
    if (number != std::floor(number) || std::abs(number) > 1e9) {
        formatError(where + ": expected an integer in the model config");
    }
    return static_cast<int>(number);
}

std::vector<dom::element> arrayValue(dom::element value, const std::string &where) {
    dom::array array;
    if (value.get(array) != simdjson::SUCCESS) {
        formatError(where + ": expected an array in the model config");
    }
    std::vector<dom::element> items;
    for (dom::element item : array) {
        items.push_back(item);
    }
    return items;
}

/// An int or a list of ints (`kernel_size: 3` or `[3, 3]`) as `count` ints.
std::vector<int> intList(dom::element value, size_t count, const std::string &where) {
    if (value.is_array()) {
        std::vector<int> ints;
        for (auto item : arrayValue(value, where)) {
            ints.push_back(intValue(item, where));
        }
        if (ints.size() != count) {
            formatError(where + ": expected " + std::to_string(count) + " values in the model config");
        }
        return ints;
    }
    return std::vector<int>(count, intValue(value, where));
}

std::string stringField(dom::element object, const char *key, const std::string &where,
                        const std::string &fallback = "") {
    dom::element value;
    return optionalField(object, key, value) ? stringValue(value, where) : fallback;
}

// MARK: - The graph being built

/// A Keras tensor: an OpenCV layer output plus the Keras shape without the batch axis ({H, W, C} or {C}).
struct PendingPadding;

struct Tensor {
    int layerId = -1;
    int output = 0;
    std::vector<int> shape;
    /// Set for a ZeroPadding2D's output, which becomes a Padding layer only when a layer other than a depthwise
    /// convolution reads it (that one pads by itself); layerId is then -1 until `materialize`.
    std::shared_ptr<PendingPadding> pending;
    bool image() const { return shape.size() == 3; }
    int channels() const { return shape.back(); }
};

/// A ZeroPadding2D not yet added to the network: its input, its padding and, once added, its layer.
struct PendingPadding {
    Tensor source;
    std::string name;
    int top = 0, bottom = 0, left = 0, right = 0;
    int layerId = -1;
};

/// One Keras layer as seen by a builder: its config, name, class and the scope it lives in.
struct LayerInfo {
    dom::element config;
    std::string name;      // Keras name
    std::string className; // Keras class
    std::string prefix;    // OpenCV name prefix for nested models ("" at top level, "model/" inside)
    std::string where() const { return "layer '" + prefix + name + "' (" + className + ")"; }
};

[[noreturn]] void unsupported(const LayerInfo &layer, const std::string &what) {
    throw Error(MBDNN_ERR_UNSUPPORTED, "unsupported " + layer.where() + (what.empty() ? "" : ": " + what));
}

class Importer {
  public:
    Importer(hid_t weightsRoot, mbdnn_net &out) : weightsRoot_(weightsRoot), out_(out) {}

    void importTopLevel(dom::element modelConfig) {
        std::string className = stringValue(field(modelConfig, "class_name", "model"), "model");
        dom::element config = field(modelConfig, "config", "model");
        std::vector<Tensor> outputs;
        if (className == "Sequential") {
            outputs = {sequential(config, "", "", nullptr)};
        } else if (className == "Model" || className == "Functional") {
            outputs = functional(config, "", "", nullptr);
        } else {
            throw Error(MBDNN_ERR_UNSUPPORTED, "unsupported model class '" + className + "'");
        }
        out_.net.setInputsNames(inputNames_);
        for (auto tensor : outputs) {
            tensor = materialize(tensor);
            if (tensor.layerId == 0) {
                throw Error(MBDNN_ERR_UNSUPPORTED, "a model output that is its input is not supported");
            }
            out_.defaultOutputs.push_back(layerNames_.at(tensor.layerId));
        }
        // A convolution that takes in the layers after it leaves their outputs unwritten, and OpenCV lets it even
        // when one of them is an output asked for: with several outputs, each layer writes its own.
        if (outputs.size() > 1) {
            for (const auto &name : out_.net.getLayerNames()) {
                mbdnn::keepConvolutionApart(out_.net.getLayer(out_.net.getLayerId(name)));
            }
        }
    }

  private:
    hid_t weightsRoot_;
    mbdnn_net &out_;
    std::vector<cv::String> inputNames_;
    std::map<int, std::string> layerNames_;
    std::set<std::string> usedNames_;

    // MARK: Models

    static std::vector<dom::element> layersOf(dom::element config, const std::string &where) {
        // Keras 2.2 Sequential configs may be a bare list of layers.
        if (config.is_array()) {
            return arrayValue(config, where);
        }
        return arrayValue(field(config, "layers", where), where);
    }

    LayerInfo info(dom::element layer, const std::string &prefix, const std::string &where) {
        LayerInfo result;
        result.className = stringValue(field(layer, "class_name", where), where);
        result.config = field(layer, "config", where);
        dom::element nameElement;
        if (optionalField(layer, "name", nameElement)) {
            result.name = stringValue(nameElement, where);
        } else {
            result.name = stringField(result.config, "name", where);
        }
        result.prefix = prefix;
        return result;
    }

    static bool isModel(const std::string &className) {
        return className == "Model" || className == "Functional" || className == "Sequential";
    }

    /// `topGroup` is the `model_weights` group name holding this scope's weights ("" at the top level, where
    /// each layer has its own group). `input` is the tensor feeding a nested model, NULL at the top level.
    Tensor sequential(dom::element config, const std::string &prefix, const std::string &topGroup,
                      const Tensor *input) {
        std::string where = prefix.empty() ? "Sequential model" : "Sequential '" + prefix + "'";
        std::vector<dom::element> layers = layersOf(config, where);
        Tensor current;
        bool haveInput = false;
        if (input != nullptr) {
            current = *input;
            haveInput = true;
        }
        for (size_t i = 0; i < layers.size(); i++) {
            LayerInfo layer = info(layers[i], prefix, where);
            if (layer.className == "InputLayer") {
                if (!haveInput) {
                    current = makeInput(layer);
                    haveInput = true;
                }
                continue;
            }
            if (!haveInput) {
                // No InputLayer: the first layer carries batch_input_shape.
                current = makeInput(layer);
                haveInput = true;
            }
            current = apply(layer, {current}, topGroup).at(0);
        }
        if (!haveInput) {
            formatError(where + " has no layers");
        }
        return current;
    }

    std::vector<Tensor> functional(dom::element config, const std::string &prefix, const std::string &topGroup,
                                   const std::vector<Tensor> *inputs) {
        std::string where = prefix.empty() ? "model" : "model '" + prefix + "'";
        std::vector<dom::element> layers = layersOf(config, where);
        std::map<std::string, std::vector<Tensor>> produced;

        std::vector<dom::element> inputLayers = arrayValue(field(config, "input_layers", where), where);
        if (inputs != nullptr && inputs->size() != inputLayers.size()) {
            formatError(where + " is called with " + std::to_string(inputs->size()) + " tensors but has " +
                        std::to_string(inputLayers.size()) + " inputs");
        }
        std::vector<std::string> inputNames;
        for (auto entry : inputLayers) {
            inputNames.push_back(stringValue(arrayValue(entry, where).at(0), where));
        }

        std::vector<bool> done(layers.size(), false);
        size_t remaining = layers.size();
        while (remaining > 0) {
            size_t before = remaining;
            for (size_t i = 0; i < layers.size(); i++) {
                if (done[i]) {
                    continue;
                }
                LayerInfo layer = info(layers[i], prefix, where);
                if (layer.className == "InputLayer") {
                    auto position = std::find(inputNames.begin(), inputNames.end(), layer.name);
                    if (position == inputNames.end()) {
                        formatError(layer.where() + " is not among the model's input_layers");
                    }
                    if (inputs != nullptr) {
                        produced[layer.name] = {inputs->at(static_cast<size_t>(position - inputNames.begin()))};
                    } else {
                        produced[layer.name] = {makeInput(layer)};
                    }
                    done[i] = true;
                    remaining--;
                    continue;
                }
                std::vector<Tensor> inbound;
                if (!resolveInbound(layers[i], layer, produced, inbound)) {
                    continue;
                }
                produced[layer.name] = apply(layer, inbound, topGroup);
                done[i] = true;
                remaining--;
            }
            if (remaining == before) {
                formatError(where + ": the layer graph has unresolved or cyclic inputs");
            }
        }

        std::vector<Tensor> outputs;
        for (auto entry : arrayValue(field(config, "output_layers", where), where)) {
            auto parts = arrayValue(entry, where);
            std::string name = stringValue(parts.at(0), where);
            int index = parts.size() > 2 ? intValue(parts[2], where) : 0;
            auto found = produced.find(name);
            if (found == produced.end() || index < 0 || static_cast<size_t>(index) >= found->second.size()) {
                formatError(where + ": output layer '" + name + "' not found");
            }
            outputs.push_back(found->second[static_cast<size_t>(index)]);
        }
        return outputs;
    }

    /// The tensors a functional layer reads; false while one of them is not built yet.
    bool resolveInbound(dom::element layerElement, const LayerInfo &layer,
                        const std::map<std::string, std::vector<Tensor>> &produced, std::vector<Tensor> &inbound) {
        inbound.clear();
        std::vector<dom::element> nodes = arrayValue(field(layerElement, "inbound_nodes", layer.where()),
                                                     layer.where());
        if (nodes.size() != 1) {
            unsupported(layer, nodes.empty() ? "no inbound node" : "a layer called more than once");
        }
        for (auto entry : arrayValue(nodes[0], layer.where())) {
            auto parts = arrayValue(entry, layer.where());
            if (parts.size() < 3) {
                formatError(layer.where() + ": malformed inbound node");
            }
            std::string name = stringValue(parts[0], layer.where());
            int index = intValue(parts[2], layer.where());
            auto found = produced.find(name);
            if (found == produced.end()) {
                return false;
            }
            if (index < 0 || static_cast<size_t>(index) >= found->second.size()) {
                formatError(layer.where() + ": inbound tensor " + std::to_string(index) + " of '" + name +
                            "' does not exist");
            }
            inbound.push_back(found->second[static_cast<size_t>(index)]);
        }
        return !inbound.empty();
    }

    Tensor makeInput(const LayerInfo &layer) {
        if (!layer.prefix.empty()) {
            unsupported(layer, "a nested model without an input tensor");
        }
        dom::element shapeElement;
        if (!optionalField(layer.config, "batch_input_shape", shapeElement) &&
            !optionalField(layer.config, "batch_shape", shapeElement)) {
            formatError(layer.where() + ": no batch_input_shape");
        }
        auto dims = arrayValue(shapeElement, layer.where());
        Tensor tensor;
        tensor.layerId = 0;
        tensor.output = static_cast<int>(inputNames_.size());
        for (size_t i = 1; i < dims.size(); i++) {
            if (dims[i].is_null()) {
                unsupported(layer, "an input with an unknown size (None) other than the batch");
            }
            tensor.shape.push_back(intValue(dims[i], layer.where()));
        }
        if (tensor.shape.size() != 3 && tensor.shape.size() != 1) {
            unsupported(layer, "an input of rank " + std::to_string(dims.size()));
        }
        if (inputNames_.empty()) {
            // NHWC without the batch -> NCHW (C, H, W), or a vector's length.
            out_.inputShape = tensor.shape.size() == 3
                                  ? std::vector<int>{tensor.shape[2], tensor.shape[0], tensor.shape[1]}
                                  : tensor.shape;
        }
        inputNames_.push_back(layer.name);
        return tensor;
    }

    // MARK: Layers

    std::vector<Tensor> apply(const LayerInfo &layer, const std::vector<Tensor> &inputs,
                              const std::string &topGroup) {
        const std::string &c = layer.className;
        std::string group = topGroup.empty() ? layer.name : topGroup;
        if (isModel(c)) {
            std::string prefix = layer.prefix + layer.name + "/";
            if (c == "Sequential") {
                if (inputs.size() != 1) {
                    unsupported(layer, "a Sequential called with several tensors");
                }
                return {sequential(layer.config, prefix, group, &inputs[0])};
            }
            return functional(layer.config, prefix, group, &inputs);
        }
        if (c == "Add" || c == "Multiply" || c == "Maximum" || c == "Concatenate") {
            return {merge(layer, inputs)};
        }
        if (inputs.size() != 1) {
            unsupported(layer, "a layer with " + std::to_string(inputs.size()) + " inputs");
        }
        const Tensor &x = inputs[0];
        checkDataFormat(layer);
        if (c == "Conv2D" || c == "DepthwiseConv2D") {
            return {convolution(layer, x, group, topGroup.empty())};
        }
        if (c == "BatchNormalization") {
            return {batchNorm(layer, x, group, topGroup.empty())};
        }
        if (c == "Dense") {
            return {dense(layer, x, group, topGroup.empty())};
        }
        if (c == "ReLU") {
            return {relu(layer, x)};
        }
        if (c == "LeakyReLU") {
            cv::dnn::LayerParams params;
            dom::element alpha;
            params.set("negative_slope",
                       optionalField(layer.config, "alpha", alpha) ? numberValue(alpha, layer.where()) : 0.3);
            return {add(layer.prefix + layer.name, "ReLU", params, {x}, x.shape)};
        }
        if (c == "Activation") {
            return {activation(layer, x, stringField(layer.config, "activation", layer.where(), "linear"),
                               layer.prefix + layer.name)};
        }
        if (c == "ZeroPadding2D") {
            return {zeroPadding(layer, x)};
        }
        if (c == "MaxPooling2D" || c == "AveragePooling2D") {
            return {pooling(layer, x)};
        }
        if (c == "GlobalAveragePooling2D" || c == "GlobalMaxPooling2D") {
            return {globalPooling(layer, x)};
        }
        if (c == "Flatten") {
            return {flatten(layer.prefix + layer.name, x)};
        }
        if (c == "Dropout" || c == "SpatialDropout2D" || c == "GaussianDropout" || c == "GaussianNoise" ||
            c == "AlphaDropout" || c == "ActivityRegularization") {
            return {x}; // identity at inference
        }
        unsupported(layer, "");
    }

    void checkDataFormat(const LayerInfo &layer) {
        std::string format = stringField(layer.config, "data_format", layer.where(), "channels_last");
        if (format != "channels_last") {
            unsupported(layer, "data_format '" + format + "'");
        }
    }

    static void requireImage(const LayerInfo &layer, const Tensor &x) {
        if (!x.image()) {
            unsupported(layer, "an input of shape " + shapeString(x.shape) + " (expected height, width, channels)");
        }
    }

    /// Adds an OpenCV layer reading `inputs` and returns its output tensor with the Keras shape `shape`.
    Tensor add(const std::string &wantedName, const std::string &type, cv::dnn::LayerParams &params,
               const std::vector<Tensor> &inputs, const std::vector<int> &shape) {
        std::string name = wantedName;
        for (int suffix = 1; usedNames_.count(name) != 0; suffix++) {
            name = wantedName + "_" + std::to_string(suffix);
        }
        usedNames_.insert(name);
        params.name = name;
        params.type = type;
        std::vector<Tensor> sources;
        for (const auto &input : inputs) {
            sources.push_back(materialize(input));
        }
        int id = out_.net.addLayer(name, type, params);
        if (id < 0) {
            formatError("OpenCV refused the layer '" + name + "' of type " + type);
        }
        for (size_t i = 0; i < sources.size(); i++) {
            out_.net.connect(sources[i].layerId, sources[i].output, id, static_cast<int>(i));
        }
        layerNames_[id] = name;
        Tensor tensor;
        tensor.layerId = id;
        tensor.output = 0;
        tensor.shape = shape;
        return tensor;
    }

    /// The weights of one layer by role ("kernel", "bias", "gamma", ...): at the top level every weight in
    /// the layer's own group; inside a nested model the weights of the top-level group whose scope (the path
    /// component before the variable) is the layer's name.
    std::map<std::string, Array> weights(const LayerInfo &layer, const std::string &group, bool topLevel) {
        std::map<std::string, Array> result;
        if (!exists(weightsRoot_, group)) {
            formatError(layer.where() + ": no weights group '" + group + "' in the HDF5 file");
        }
        Handle handle(H5Gopen2(weightsRoot_, group.c_str(), H5P_DEFAULT), H5Gclose);
        if (!handle.valid()) {
            formatError(layer.where() + ": cannot open the weights group '" + group + "'");
        }
        for (const auto &weightName : readStringListAttribute(handle.get(), "weight_names")) {
            size_t lastSlash = weightName.rfind('/');
            std::string variable = lastSlash == std::string::npos ? weightName : weightName.substr(lastSlash + 1);
            if (!topLevel) {
                if (lastSlash == std::string::npos) {
                    continue;
                }
                size_t scopeStart = weightName.rfind('/', lastSlash - 1);
                scopeStart = scopeStart == std::string::npos ? 0 : scopeStart + 1;
                if (weightName.substr(scopeStart, lastSlash - scopeStart) != layer.name) {
                    continue;
                }
            }
            std::string role = variable.substr(0, variable.find(':'));
            if (!exists(handle.get(), weightName)) {
                formatError(layer.where() + ": weight '" + weightName + "' is listed but missing from the file");
            }
            result[role] = readDataset(handle.get(), weightName);
        }
        return result;
    }

    static const Array &weight(const LayerInfo &layer, const std::map<std::string, Array> &weights,
                               const std::string &role, const std::vector<int> &expectedShape) {
        auto found = weights.find(role);
        if (found == weights.end()) {
            formatError(layer.where() + ": weight '" + role + "' not found in the HDF5 file");
        }
        if (found->second.shape != expectedShape) {
            formatError(layer.where() + ": weight '" + role + "' has shape " + shapeString(found->second.shape) +
                        ", expected " + shapeString(expectedShape));
        }
        for (float v : found->second.values) {
            if (!std::isfinite(v)) {
                formatError(layer.where() + ": weight '" + role + "' holds a non-finite value");
            }
        }
        return found->second;
    }

    static bool boolField(const LayerInfo &layer, const char *key, bool fallback) {
        dom::element value;
        if (!optionalField(layer.config, key, value)) {
            return fallback;
        }
        bool flag = fallback;
        if (value.get(flag) != simdjson::SUCCESS) {
            formatError(layer.where() + ": '" + key + "' is not a boolean");
        }
        return flag;
    }

    /// TensorFlow's 'same' padding for one axis: (before, after), the extra pixel after.
    static std::pair<int, int> samePadding(int in, int kernel, int stride, int dilation) {
        int out = (in + stride - 1) / stride;
        int total = std::max((out - 1) * stride + (kernel - 1) * dilation + 1 - in, 0);
        return {total / 2, total - total / 2};
    }

    /// `x` itself, or the Padding layer of a pending ZeroPadding2D (added on first use, shared afterwards).
    Tensor materialize(const Tensor &x) {
        if (!x.pending) {
            return x;
        }
        PendingPadding &p = *x.pending;
        if (p.layerId < 0) {
            p.layerId = padding(p.name, p.source, p.top, p.bottom, p.left, p.right).layerId;
        }
        Tensor tensor;
        tensor.layerId = p.layerId;
        tensor.shape = x.shape;
        return tensor;
    }

    Tensor padding(const std::string &name, const Tensor &x, int top, int bottom, int left, int right) {
        cv::dnn::LayerParams params;
        int paddings[8] = {0, 0, 0, 0, top, bottom, left, right};
        params.set("paddings", cv::dnn::DictValue::arrayInt(paddings, 8));
        params.set("input_dims", 4);
        return add(name, "Padding", params, {x}, {x.shape[0] + top + bottom, x.shape[1] + left + right, x.shape[2]});
    }

    Tensor convolution(const LayerInfo &layer, const Tensor &input, const std::string &group, bool topLevel) {
        requireImage(layer, input);
        const std::string where = layer.where();
        bool depthwise = layer.className == "DepthwiseConv2D";
        std::vector<int> kernel = intList(field(layer.config, "kernel_size", where), 2, where);
        dom::element value;
        std::vector<int> strides = optionalField(layer.config, "strides", value) ? intList(value, 2, where)
                                                                                 : std::vector<int>{1, 1};
        std::vector<int> dilation = optionalField(layer.config, "dilation_rate", value) ? intList(value, 2, where)
                                                                                        : std::vector<int>{1, 1};
        int groups = optionalField(layer.config, "groups", value) ? intValue(value, where) : 1;
        std::string paddingMode = stringField(layer.config, "padding", where, "valid");
        bool useBias = boolField(layer, "use_bias", true);
        int inChannels = input.channels();
        int outChannels = 0;
        if (depthwise) {
            int multiplier = optionalField(layer.config, "depth_multiplier", value) ? intValue(value, where) : 1;
            outChannels = inChannels * multiplier;
            groups = inChannels;
        } else {
            outChannels = intValue(field(layer.config, "filters", where), where);
        }
        if (groups < 1 || inChannels % groups != 0 || outChannels % groups != 0) {
            unsupported(layer, "groups " + std::to_string(groups));
        }
        if ((strides[0] > 1 || strides[1] > 1) && (dilation[0] > 1 || dilation[1] > 1)) {
            unsupported(layer, "strides and dilation together");
        }

        auto stored = weights(layer, group, topLevel);
        cv::Mat kernelBlob;
        int kh = kernel[0];
        int kw = kernel[1];
        if (depthwise) {
            int multiplier = outChannels / inChannels;
            const Array &k = weight(layer, stored, "depthwise_kernel", {kh, kw, inChannels, multiplier});
            int shape[4] = {outChannels, 1, kh, kw};
            kernelBlob.create(4, shape, CV_32F);
            float *dst = kernelBlob.ptr<float>();
            for (int y = 0; y < kh; y++) {
                for (int x = 0; x < kw; x++) {
                    for (int c = 0; c < inChannels; c++) {
                        for (int m = 0; m < multiplier; m++) {
                            int o = c * multiplier + m;
                            dst[(o * kh + y) * kw + x] = k.values[((y * kw + x) * inChannels + c) * multiplier + m];
                        }
                    }
                }
            }
        } else {
            int perGroup = inChannels / groups;
            const Array &k = weight(layer, stored, "kernel", {kh, kw, perGroup, outChannels});
            int shape[4] = {outChannels, perGroup, kh, kw};
            kernelBlob.create(4, shape, CV_32F);
            float *dst = kernelBlob.ptr<float>();
            for (int y = 0; y < kh; y++) {
                for (int x = 0; x < kw; x++) {
                    for (int i = 0; i < perGroup; i++) {
                        for (int o = 0; o < outChannels; o++) {
                            dst[((o * perGroup + i) * kh + y) * kw + x] =
                                k.values[((y * kw + x) * perGroup + i) * outChannels + o];
                        }
                    }
                }
            }
        }

        Tensor x = input;
        int padTop = 0, padBottom = 0, padLeft = 0, padRight = 0;
        if (paddingMode == "same") {
            std::tie(padTop, padBottom) = samePadding(x.shape[0], kh, strides[0], dilation[0]);
            std::tie(padLeft, padRight) = samePadding(x.shape[1], kw, strides[1], dilation[1]);
        } else if (paddingMode != "valid") {
            unsupported(layer, "padding '" + paddingMode + "'");
        }
        // Kernel size, strides, weights and bias: what both kinds of convolution layer below take.
        auto kernelParams = [&] {
            cv::dnn::LayerParams params;
            params.set("kernel_h", kh);
            params.set("kernel_w", kw);
            params.set("stride_h", strides[0]);
            params.set("stride_w", strides[1]);
            params.blobs.push_back(kernelBlob);
            if (useBias) {
                const Array &b = weight(layer, stored, "bias", {outChannels});
                params.blobs.push_back(cv::Mat(1, outChannels, CV_32F, const_cast<float *>(b.values.data())).clone());
            }
            return params;
        };
        // Our own layers: depthwise.cpp's (faster than OpenCV's grouped convolution) and, where this CPU runs its
        // AVX-512 tile, convolution.cpp's (faster than OpenCV's, most of all with few input channels). Both pad
        // asymmetrically themselves, including a ZeroPadding2D just before (MobileNetV2's first convolution and
        // its stride-2 blocks).
        const bool ownDepthwise = depthwise && outChannels == inChannels;
        const bool ownConvolution = groups == 1 && mbdnn::convolutionLayerIsFaster();
        if ((ownDepthwise || ownConvolution) && dilation[0] == 1 && dilation[1] == 1) {
            int outH = (x.shape[0] + padTop + padBottom - kh) / strides[0] + 1;
            int outW = (x.shape[1] + padLeft + padRight - kw) / strides[1] + 1;
            if (x.pending) {
                padTop += x.pending->top;
                padBottom += x.pending->bottom;
                padLeft += x.pending->left;
                padRight += x.pending->right;
                x = x.pending->source;
            }
            if (outH < 1 || outW < 1) {
                unsupported(layer, "a kernel larger than its input " + shapeString(input.shape));
            }
            cv::dnn::LayerParams params = kernelParams();
            params.set("pad_t", padTop);
            params.set("pad_b", padBottom);
            params.set("pad_l", padLeft);
            params.set("pad_r", padRight);
            return withActivation(layer, ownDepthwise ? mbdnn::depthwiseLayerType : mbdnn::convolutionLayerType,
                                  params, x, {outH, outW, outChannels});
        }
        int padH = 0, padW = 0;
        if (padTop == padBottom && padLeft == padRight) {
            padH = padTop;
            padW = padLeft;
        } else {
            x = padding(layer.prefix + layer.name + "/pad", x, padTop, padBottom, padLeft, padRight);
        }
        int outH = (x.shape[0] + 2 * padH - ((kh - 1) * dilation[0] + 1)) / strides[0] + 1;
        int outW = (x.shape[1] + 2 * padW - ((kw - 1) * dilation[1] + 1)) / strides[1] + 1;
        if (outH < 1 || outW < 1) {
            unsupported(layer, "a kernel larger than its input " + shapeString(input.shape));
        }

        cv::dnn::LayerParams params = kernelParams();
        params.set("dilation_h", dilation[0]);
        params.set("dilation_w", dilation[1]);
        params.set("pad_h", padH);
        params.set("pad_w", padW);
        params.set("num_output", outChannels);
        params.set("group", groups);
        params.set("bias_term", useBias);
        return withActivation(layer, "Convolution", params, x, {outH, outW, outChannels});
    }

    Tensor batchNorm(const LayerInfo &layer, const Tensor &x, const std::string &group, bool topLevel) {
        const std::string where = layer.where();
        dom::element axisElement = field(layer.config, "axis", where);
        std::vector<int> axes;
        if (axisElement.is_array()) {
            for (auto item : arrayValue(axisElement, where)) {
                axes.push_back(intValue(item, where));
            }
        } else {
            axes.push_back(intValue(axisElement, where));
        }
        int rank = static_cast<int>(x.shape.size()) + 1;
        if (axes.size() != 1 || !(axes[0] == -1 || axes[0] == rank - 1)) {
            unsupported(layer, "normalization over an axis other than the channels");
        }
        dom::element value;
        double epsilon = optionalField(layer.config, "epsilon", value) ? numberValue(value, where) : 0.001;
        bool center = boolField(layer, "center", true);
        bool scale = boolField(layer, "scale", true);
        int channels = x.channels();
        auto stored = weights(layer, group, topLevel);
        auto row = [&](const char *role) {
            const Array &a = weight(layer, stored, role, {channels});
            return cv::Mat(1, channels, CV_32F, const_cast<float *>(a.values.data())).clone();
        };
        cv::dnn::LayerParams params;
        params.blobs.push_back(row("moving_mean"));
        params.blobs.push_back(row("moving_variance"));
        if (scale) {
            params.blobs.push_back(row("gamma"));
        }
        if (center) {
            params.blobs.push_back(row("beta"));
        }
        params.set("has_weight", scale);
        params.set("has_bias", center);
        params.set("eps", epsilon);
        return add(layer.prefix + layer.name, "BatchNorm", params, {x}, x.shape);
    }

    Tensor dense(const LayerInfo &layer, const Tensor &x, const std::string &group, bool topLevel) {
        const std::string where = layer.where();
        if (x.shape.size() != 1) {
            unsupported(layer, "Dense over an input of shape " + shapeString(x.shape) + " (only after Flatten or "
                               "global pooling)");
        }
        int units = intValue(field(layer.config, "units", where), where);
        int inputs = x.channels();
        bool useBias = boolField(layer, "use_bias", true);
        auto stored = weights(layer, group, topLevel);
        const Array &k = weight(layer, stored, "kernel", {inputs, units});
        cv::Mat kernel(units, inputs, CV_32F);
        for (int i = 0; i < inputs; i++) {
            for (int o = 0; o < units; o++) {
                kernel.at<float>(o, i) = k.values[static_cast<size_t>(i) * units + o];
            }
        }
        cv::dnn::LayerParams params;
        params.set("num_output", units);
        params.set("bias_term", useBias);
        params.set("axis", 1);
        params.blobs.push_back(kernel);
        if (useBias) {
            const Array &b = weight(layer, stored, "bias", {units});
            params.blobs.push_back(cv::Mat(1, units, CV_32F, const_cast<float *>(b.values.data())).clone());
        }
        return withActivation(layer, "InnerProduct", params, x, {units});
    }

    Tensor relu(const LayerInfo &layer, const Tensor &x) {
        const std::string where = layer.where();
        dom::element value;
        double slope = optionalField(layer.config, "negative_slope", value) ? numberValue(value, where) : 0;
        double threshold = optionalField(layer.config, "threshold", value) ? numberValue(value, where) : 0;
        bool capped = optionalField(layer.config, "max_value", value);
        double maxValue = capped ? numberValue(value, where) : 0;
        if (threshold != 0) {
            unsupported(layer, "threshold " + std::to_string(threshold));
        }
        cv::dnn::LayerParams params;
        if (capped) {
            if (slope != 0) {
                unsupported(layer, "max_value together with negative_slope");
            }
            params.set("min_value", 0.0f);
            params.set("max_value", static_cast<float>(maxValue));
            return add(layer.prefix + layer.name, "ReLU6", params, {x}, x.shape);
        }
        if (slope != 0) {
            params.set("negative_slope", static_cast<float>(slope));
        }
        return add(layer.prefix + layer.name, "ReLU", params, {x}, x.shape);
    }

    /// Adds a layer followed by its `activation` option. The OpenCV layer that ends the Keras layer carries the
    /// Keras name (so a model's outputs keep their Keras names); the one before an activation is "<name>/linear".
    Tensor withActivation(const LayerInfo &layer, const std::string &type, cv::dnn::LayerParams &params,
                          const Tensor &x, const std::vector<int> &shape) {
        std::string name = layer.prefix + layer.name;
        std::string function = stringField(layer.config, "activation", layer.where(), "linear");
        if (function == "linear") {
            return add(name, type, params, {x}, shape);
        }
        Tensor y = add(name + "/linear", type, params, {x}, shape);
        return activation(layer, y, function, name);
    }

    /// An activation by Keras name as its own layer; "linear" adds nothing.
    Tensor activation(const LayerInfo &layer, const Tensor &x, const std::string &name, const std::string &opencvName) {
        cv::dnn::LayerParams params;
        if (name == "linear") {
            return x;
        }
        if (name == "relu") {
            return add(opencvName, "ReLU", params, {x}, x.shape);
        }
        if (name == "relu6") {
            params.set("min_value", 0.0f);
            params.set("max_value", 6.0f);
            return add(opencvName, "ReLU6", params, {x}, x.shape);
        }
        if (name == "softmax") {
            params.set("axis", 1); // Keras' last axis: the channels, axis 1 in NCHW and in (N, features)
            return add(opencvName, "Softmax", params, {x}, x.shape);
        }
        if (name == "sigmoid") {
            return add(opencvName, "Sigmoid", params, {x}, x.shape);
        }
        if (name == "tanh") {
            return add(opencvName, "TanH", params, {x}, x.shape);
        }
        if (name == "elu") {
            return add(opencvName, "ELU", params, {x}, x.shape);
        }
        if (name == "swish" || name == "silu") {
            return add(opencvName, "Swish", params, {x}, x.shape);
        }
        unsupported(layer, "activation '" + name + "'");
    }

    Tensor merge(const LayerInfo &layer, const std::vector<Tensor> &inputs) {
        if (inputs.size() < 2) {
            unsupported(layer, "fewer than two inputs");
        }
        cv::dnn::LayerParams params;
        if (layer.className == "Concatenate") {
            dom::element value;
            int axis = optionalField(layer.config, "axis", value) ? intValue(value, layer.where()) : -1;
            size_t rank = inputs[0].shape.size();
            int kerasAxis = axis < 0 ? static_cast<int>(rank) + axis : axis - 1; // index into shape (no batch)
            if (kerasAxis < 0 || static_cast<size_t>(kerasAxis) >= rank) {
                unsupported(layer, "axis " + std::to_string(axis));
            }
            std::vector<int> shape = inputs[0].shape;
            shape[static_cast<size_t>(kerasAxis)] = 0;
            for (const auto &t : inputs) {
                if (t.shape.size() != rank) {
                    unsupported(layer, "inputs of different ranks");
                }
                for (size_t d = 0; d < rank; d++) {
                    if (d != static_cast<size_t>(kerasAxis) && t.shape[d] != inputs[0].shape[d]) {
                        unsupported(layer, "inputs of mismatched shapes");
                    }
                }
                shape[static_cast<size_t>(kerasAxis)] += t.shape[static_cast<size_t>(kerasAxis)];
            }
            // NHWC (H, W, C) -> NCHW axes (2, 3, 1); (features) -> 1.
            int opencvAxis = rank == 3 ? (kerasAxis == 2 ? 1 : kerasAxis + 2) : 1;
            params.set("axis", opencvAxis);
            return add(layer.prefix + layer.name, "Concat", params, inputs, shape);
        }
        for (const auto &t : inputs) {
            if (t.shape != inputs[0].shape) {
                unsupported(layer, "broadcasting between shapes " + shapeString(inputs[0].shape) + " and " +
                                       shapeString(t.shape));
            }
        }
        // Add is sum.cpp's layer (OpenCV's Eltwise sum adds with a scalar loop; the same bits).
        if (layer.className == "Add") {
            return add(layer.prefix + layer.name, sumLayerType, params, inputs, inputs[0].shape);
        }
        params.set("operation", layer.className == "Multiply" ? "prod" : "max");
        return add(layer.prefix + layer.name, "Eltwise", params, inputs, inputs[0].shape);
    }

    Tensor zeroPadding(const LayerInfo &layer, const Tensor &x) {
        requireImage(layer, x);
        const std::string where = layer.where();
        dom::element value = field(layer.config, "padding", where);
        int top, bottom, left, right;
        if (!value.is_array()) {
            top = bottom = left = right = intValue(value, where);
        } else {
            auto parts = arrayValue(value, where);
            if (parts.size() != 2) {
                formatError(where + ": padding must have two entries");
            }
            if (parts[0].is_array()) {
                auto h = intList(parts[0], 2, where);
                auto w = intList(parts[1], 2, where);
                top = h[0];
                bottom = h[1];
                left = w[0];
                right = w[1];
            } else {
                top = bottom = intValue(parts[0], where);
                left = right = intValue(parts[1], where);
            }
        }
        if (top < 0 || bottom < 0 || left < 0 || right < 0) {
            unsupported(layer, "negative padding");
        }
        auto pending = std::make_shared<PendingPadding>();
        pending->source = materialize(x);
        pending->name = layer.prefix + layer.name;
        pending->top = top;
        pending->bottom = bottom;
        pending->left = left;
        pending->right = right;
        Tensor tensor;
        tensor.shape = {x.shape[0] + top + bottom, x.shape[1] + left + right, x.shape[2]};
        tensor.pending = pending;
        return tensor;
    }

    Tensor pooling(const LayerInfo &layer, const Tensor &x) {
        requireImage(layer, x);
        const std::string where = layer.where();
        std::vector<int> size = intList(field(layer.config, "pool_size", where), 2, where);
        dom::element value;
        std::vector<int> strides = optionalField(layer.config, "strides", value) ? intList(value, 2, where) : size;
        std::string paddingMode = stringField(layer.config, "padding", where, "valid");
        int padTop = 0, padBottom = 0, padLeft = 0, padRight = 0;
        if (paddingMode == "same") {
            std::tie(padTop, padBottom) = samePadding(x.shape[0], size[0], strides[0], 1);
            std::tie(padLeft, padRight) = samePadding(x.shape[1], size[1], strides[1], 1);
        } else if (paddingMode != "valid") {
            unsupported(layer, "padding '" + paddingMode + "'");
        }
        int outH = (x.shape[0] + padTop + padBottom - size[0]) / strides[0] + 1;
        int outW = (x.shape[1] + padLeft + padRight - size[1]) / strides[1] + 1;
        if (outH < 1 || outW < 1) {
            unsupported(layer, "a pool larger than its input " + shapeString(x.shape));
        }
        cv::dnn::LayerParams params;
        if (layer.className == "AveragePooling2D" && size[0] == x.shape[0] && size[1] == x.shape[1] &&
            padTop + padBottom + padLeft + padRight == 0) {
            // A window that is the whole input (MobileNetV2's head): pooling.cpp's average, OpenCV's to the bit.
            return add(layer.prefix + layer.name, mbdnn::averagePoolLayerType, params, {x}, {1, 1, x.channels()});
        }
        params.set("pool", layer.className == "MaxPooling2D" ? "MAX" : "AVE");
        params.set("kernel_h", size[0]);
        params.set("kernel_w", size[1]);
        params.set("stride_h", strides[0]);
        params.set("stride_w", strides[1]);
        params.set("pad_t", padTop);
        params.set("pad_b", padBottom);
        params.set("pad_l", padLeft);
        params.set("pad_r", padRight);
        params.set("ceil_mode", false);
        params.set("ave_pool_padded_area", false);
        return add(layer.prefix + layer.name, "Pooling", params, {x}, {outH, outW, x.channels()});
    }

    Tensor globalPooling(const LayerInfo &layer, const Tensor &x) {
        requireImage(layer, x);
        cv::dnn::LayerParams params;
        Tensor y;
        if (layer.className == "GlobalMaxPooling2D") {
            params.set("pool", "MAX");
            params.set("global_pooling", true);
            y = add(layer.prefix + layer.name, "Pooling", params, {x}, {1, 1, x.channels()});
        } else {
            y = add(layer.prefix + layer.name, mbdnn::averagePoolLayerType, params, {x}, {1, 1, x.channels()});
        }
        if (boolField(layer, "keepdims", false)) {
            return y;
        }
        return flatten(layer.prefix + layer.name + "/flatten", y);
    }

    /// Keras flattens NHWC: permute to NHWC first unless H*W is 1.
    Tensor flatten(const std::string &name, const Tensor &x) {
        if (!x.image()) {
            return x;
        }
        Tensor y = x;
        if (x.shape[0] * x.shape[1] > 1) {
            cv::dnn::LayerParams permute;
            int order[4] = {0, 2, 3, 1};
            permute.set("order", cv::dnn::DictValue::arrayInt(order, 4));
            y = add(name + "/permute", "Permute", permute, {x}, x.shape);
        }
        cv::dnn::LayerParams params;
        params.set("axis", 1);
        return add(name, "Flatten", params, {y}, {x.shape[0] * x.shape[1] * x.shape[2]});
    }
};

} // namespace

void importKeras(const std::string &path, mbdnn_net &out) {
    registerDepthwiseLayer();
    registerConvolutionLayer();
    registerSumLayer();
    registerAveragePoolLayer();
    std::string configText;
    std::lock_guard<std::mutex> lock(hdf5Mutex());
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr); // errors are reported by return codes, not printed
    if (H5Fis_hdf5(path.c_str()) <= 0) {
        formatError("not an HDF5 file");
    }
    Handle file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
    if (!file.valid()) {
        formatError("cannot open the HDF5 file (truncated or corrupt?)");
    }
    if (!readStringAttribute(file.get(), "model_config", configText)) {
        formatError("no model_config attribute (a weights-only file?)");
    }
    Handle weightsGroup;
    hid_t weightsRoot = file.get();
    if (exists(file.get(), "model_weights")) {
        weightsGroup = Handle(H5Gopen2(file.get(), "model_weights", H5P_DEFAULT), H5Gclose);
        if (!weightsGroup.valid()) {
            formatError("cannot open the group 'model_weights'");
        }
        weightsRoot = weightsGroup.get();
    }

    simdjson::dom::parser parser;
    simdjson::dom::element config;
    simdjson::padded_string padded(configText);
    auto parseError = parser.parse(padded).get(config);
    if (parseError != simdjson::SUCCESS) {
        formatError(std::string("the model_config is not valid JSON: ") + simdjson::error_message(parseError));
    }
    Importer importer(weightsRoot, out);
    importer.importTopLevel(config);
}

} // namespace mbdnn
