import MaskBenchCore
import MaskBenchFiles
import MaskBenchImaging

/// Checks a ground truth and, when given, its images: everything that would make an evaluation misleading.
///
/// Reading goes on past every finding: unknown labels are collected instead of failing (the face is left
/// out), and with YOLO a label file whose image is missing is skipped. Only input that cannot be read at all
/// (malformed CSV or XML, a non-numeric box) still throws, as it would for `evaluate`.
///
/// Found while reading (every format): boxes outside the image (clamped), zero-area boxes, duplicate boxes,
/// unknown labels, images without faces. With ``GroundTruthOptions/imagesDirectory``: images that are missing
/// or unreadable, annotated sizes that differ from the image's, and images no annotation names. Image
/// headers are read with ``MaskBenchImaging/ImageSize``; no pixels are decoded.
public enum GroundTruthValidator {
    /// Validates the ground truth at `path`.
    ///
    /// - Parameters:
    ///   - path: What ``GroundTruthReader/read(path:options:)`` accepts.
    ///   - options: As for reading; ``GroundTruthOptions/collectUnknownLabels`` is turned on.
    /// - Returns: The dataset as it would be evaluated and the findings.
    /// - Throws: ``FormatError`` when the ground truth cannot be read at all or the images folder is missing.
    public static func validate(path: String, options: GroundTruthOptions = .init()) throws -> GroundTruthValidation {
        var options = options
        options.collectUnknownLabels = true
        let format = try options.format ?? GroundTruthReader.detectFormat(path: path)
        var log = GroundTruthLog()
        let dataset: Dataset
        switch format {
        case .makesense: dataset = try MakesenseCSVReader.read(path: path, options: options, log: &log)
        case .dataroots: dataset = try DatarootsCSVReader.read(path: path, options: options, log: &log)
        case .voc: dataset = try VOCReader.read(path: path, options: options, log: &log)
        case .yolo:
            dataset = try YOLOReader.read(path: path, options: options, log: &log, missingImagesAreFindings: true)
        case .coco:
            let loaded = try GroundTruthReader.readCOCO(path: path, options: options)
            dataset = loaded.dataset
            checkAfterReading(loaded, file: path, log: &log)
        }
        var findings = log.findings
        if let folder = options.imagesDirectory {
            findings += try checkImages(
                dataset, format: format, folder: folder, source: path, allowOutsideRoot: options.allowOutsideRoot,
                alreadyFound: log.findings)
        }
        return GroundTruthValidation(format: format, dataset: dataset, findings: findings)
    }

    // MARK: - Checks

    /// For a reader that keeps no structured findings: its diagnostics, then the box checks on its result.
    private static func checkAfterReading(_ loaded: LoadedGroundTruth, file: String, log: inout GroundTruthLog) {
        for diagnostic in loaded.diagnostics {
            log.add(
                ValidationFinding(
                    .other, file: diagnostic.file, line: diagnostic.line, message: diagnostic.message,
                    action: "as the reader reported"))
        }
        for image in loaded.dataset.images {
            if image.faces.isEmpty { log.imageWithoutFaces(file: file, image: image.name) }
            for face in image.faces {
                _ = log.place(
                    face.box, imageWidth: image.width, height: image.height, file: file, line: nil,
                    image: image.name, clamp: false)
            }
            log.checkDuplicates(image.faces, lines: [], file: file, image: image.name)
        }
    }

    /// Missing and unreadable images, size mismatches, and images that no annotation names.
    ///
    /// - Throws: ``MaskBenchImaging/ImagingError`` of kind `outsideRoot` for an image reached through a
    ///   symbolic link out of the folder: that is refused, not reported as a finding.
    private static func checkImages(
        _ dataset: Dataset, format: GroundTruthFormat, folder: String, source: String, allowOutsideRoot: Bool,
        alreadyFound: [ValidationFinding]
    ) throws -> [ValidationFinding] {
        let directory = try ImageDirectory(path: folder, allowsOutside: allowOutsideRoot, source: source)
        let reported = Set(
            alreadyFound.filter { $0.kind == .missingImage || $0.kind == .unreadableImage }.compactMap(\.image))
        let noPipeline = "a pipeline cannot run on it; unless a predictions file covers it, its faces count as missed"
        var findings: [ValidationFinding] = []
        for image in dataset.images where !reported.contains(image.name) {
            guard let path = directory.path(ofImage: image.name) else {
                findings.append(
                    ValidationFinding(
                        .missingImage, file: folder, image: image.name,
                        message: "image name '\(image.name)' points outside the images folder", action: "not read"))
                continue
            }
            guard directory.contains(image.name) else {
                findings.append(
                    ValidationFinding(
                        .missingImage, file: path, image: image.name,
                        message: "image '\(image.name)' is not in \(folder)", action: noPipeline))
                continue
            }
            // YOLO sizes were just read from these very files.
            guard format != .yolo else { continue }
            let size: ImageSize
            do {
                size = try directory.size(ofImage: image.name)
            } catch let error as ImagingError where error.kind == .outsideRoot {
                throw error
            } catch {
                findings.append(
                    ValidationFinding(
                        .unreadableImage, file: path, image: image.name, message: "\(error)", action: noPipeline))
                continue
            }
            if let width = image.width, let height = image.height, width != size.width || height != size.height {
                findings.append(
                    ValidationFinding(
                        .sizeMismatch, file: path, image: image.name,
                        message: "'\(image.name)' is annotated as \(width)×\(height) but the image is \(size)",
                        action: "boxes are clamped to the annotated size"))
            }
        }
        let annotated = Set(dataset.images.map(\.name))
        for name in directory.imageFileNames where !annotated.contains(name) {
            findings.append(
                ValidationFinding(
                    .unannotatedImage, file: directory.path(ofImage: name) ?? name, image: name,
                    message: "no annotation names '\(name)'", action: "not evaluated"))
        }
        return findings
    }
}
