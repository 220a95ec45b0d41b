import Foundation
import MaskBenchCore
import MaskBenchFiles

/// Reads a ground truth in any supported format, detecting the format unless told.
///
/// Detection never guesses silently; it goes by what the path is and what the file starts with:
///
/// | path | format |
/// | --- | --- |
/// | folder of `.xml` files | ``GroundTruthFormat/voc`` |
/// | folder of `.txt` files | ``GroundTruthFormat/yolo`` |
/// | `.xml` file | ``GroundTruthFormat/voc`` |
/// | `.json` file | ``GroundTruthFormat/coco`` |
/// | `.txt` file | ``GroundTruthFormat/yolo`` |
/// | `.csv` file whose first row is the seed-001 header | ``GroundTruthFormat/dataroots`` |
/// | `.csv` file whose first row is the makesense header, or 8 fields numeric where makesense's are | ``GroundTruthFormat/makesense`` |
///
/// A file with another extension is sniffed: `<` starts XML, `{` or `[` JSON, anything else is tried as CSV.
/// A folder holding both `.xml` and `.txt` files, or a CSV matching neither layout, is an error that names
/// the candidates and asks for `--format` (``GroundTruthOptions/format``), which skips detection.
public enum GroundTruthReader {
    /// Reads the ground truth at `path`.
    ///
    /// - Parameters:
    ///   - path: A file, or a folder of VOC `.xml` or YOLO `.txt` files.
    ///   - options: Format (to skip detection), label map, images folder, split, YOLO class names.
    /// - Returns: The dataset, the format it was read as and what the reader noticed.
    /// - Throws: ``FormatError`` naming the file and place when the format cannot be told or the file is
    ///   malformed; ``MaskBenchImaging/ImagingError`` when an image needed for sizes cannot be read.
    public static func read(path: String, options: GroundTruthOptions = .init()) throws -> LoadedGroundTruth {
        switch try options.format ?? detectFormat(path: path) {
        case .makesense: return try MakesenseCSVReader.read(path: path, options: options)
        case .dataroots: return try DatarootsCSVReader.read(path: path, options: options)
        case .voc: return try VOCReader.read(path: path, options: options)
        case .yolo: return try YOLOReader.read(path: path, options: options)
        case .coco: return try readCOCO(path: path, options: options)
        }
    }

    /// The format of the ground truth at `path`, by the rules in the type's documentation.
    ///
    /// - Throws: ``FormatError`` naming the candidate formats when the path matches none or several.
    public static func detectFormat(path: String) throws -> GroundTruthFormat {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw FormatError(file: path, "cannot read: \(FileErrorReason.describe(errno: ENOENT))")
        }
        if isDirectory.boolValue { return try detectFolderFormat(path) }
        try ReadLimits.refuseSpecialFile(path)
        switch ImageDirectory.ext(of: String(path.split(separator: "/").last ?? "")).lowercased() {
        case "xml": return .voc
        case "json": return .coco
        case "txt": return .yolo
        case "csv": return try detectCSVFormat(path)
        default: return try sniff(path)
        }
    }

    /// Reads COCO JSON through ``COCODatasetReader``.
    static func readCOCO(path: String, options: GroundTruthOptions) throws -> LoadedGroundTruth {
        try COCODatasetReader.read(path: path, options: options)
    }

    // MARK: - Detection

    private static let choices = "pass --format makesense, dataroots, voc, coco or yolo"

    private static func detectFolderFormat(_ path: String) throws -> GroundTruthFormat {
        let xml = try VOCReader.annotationFiles(in: path).count
        let txt = try YOLOReader.labelFiles(in: path).labels.count
        switch (xml > 0, txt > 0) {
        case (true, false): return .voc
        case (false, true): return .yolo
        case (true, true):
            throw FormatError(
                file: path,
                "ambiguous folder: it holds \(xml) .xml files (Pascal VOC) and \(txt) .txt files (YOLO); "
                    + "pass --format voc or --format yolo")
        case (false, false):
            throw FormatError(
                file: path, "no .xml (Pascal VOC) or .txt (YOLO) files in the folder; pass a file, or \(choices)")
        }
    }

    private static func detectCSVFormat(_ path: String) throws -> GroundTruthFormat {
        guard let first = try CSVReader.firstRecord(inFile: path) else {
            throw FormatError(file: path, "empty file; cannot tell its format")
        }
        if DatarootsCSVReader.isHeader(first) { return .dataroots }
        if MakesenseCSVReader.isHeader(first) || MakesenseCSVReader.looksLikeRow(first) { return .makesense }
        let names = Set(first.normalizedFields)
        if names.contains("image"), names.contains("maskscore") {
            throw FormatError(
                file: path, line: first.line,
                "this is a predictions file (\(PredictionCSV.columns.joined(separator: ","))), not a ground truth")
        }
        for (columns, format) in [
            (MakesenseCSVReader.columns, "makesense.ai"), (DatarootsCSVReader.columns, "seed 001 metadata"),
        ] {
            if let error = HeaderCheck.misspelled(first, columns: columns, format: format, file: path) { throw error }
        }
        let shown = first.fields.prefix(8).joined(separator: ",")
        throw FormatError(
            file: path, line: first.line,
            "cannot tell the ground-truth format from the first row '\(shown)': expected a makesense.ai export "
                + "(\(MakesenseCSVReader.columns.count) fields \(MakesenseCSVReader.columns.joined(separator: ","))) "
                + "or seed 001's metadata (header \(DatarootsCSVReader.columns.joined(separator: ","))); "
                + "pass --format makesense or --format dataroots")
    }

    /// Detection by content for a file with an unfamiliar extension.
    private static func sniff(_ path: String) throws -> GroundTruthFormat {
        let handle: FileHandle
        do {
            handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
        } catch {
            throw FormatError(file: path, "cannot read: \(FileErrorReason.describe(error))")
        }
        defer { try? handle.close() }
        let head = (try? handle.read(upToCount: 4096)).flatMap { $0 }.map { [UInt8]($0) } ?? []
        // A UTF-8 byte-order mark, then white space, before the first character that tells the format.
        let text = head.starts(with: [0xEF, 0xBB, 0xBF]) ? head.dropFirst(3) : head[...]
        switch text.first(where: { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }) {
        case UInt8(ascii: "<"): return .voc
        case UInt8(ascii: "{"), UInt8(ascii: "["): return .coco
        case nil: throw FormatError(file: path, "empty file; cannot tell its format")
        default: return try detectCSVFormat(path)
        }
    }
}
