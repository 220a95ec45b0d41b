import MaskBenchCore
import MaskBenchFiles
import MaskBenchFormats
import Testing

@Suite struct PredictionCSVTests {
    @Test func readsRowsPerImageInFileOrder() throws {
        let loaded = try PredictionCSV.read(path: FormatFixtures.path("predictions/predictions.csv"))
        #expect(loaded.format == .csv)
        let set = loaded.predictions
        #expect(set.count == 4)
        #expect(
            set["a.jpg"] == [
                Prediction(box: Box(x: 10.5, y: 20, width: 30, height: 40), faceScore: 0.99, maskScore: 0.875),
                Prediction(box: Box(x: 100, y: 20, width: 30, height: 40), faceScore: 0.42, maskScore: 0),
            ])
        #expect(set["crowd, day 1.jpg"].first?.label == .unmasked)
        #expect(set["b.png"].first?.label == nil)
    }

    @Test func roundTripsExactly() throws {
        let original = PredictionSet(byImage: [
            "z.png": [
                Prediction(box: Box(x: 0.1, y: 1e-7, width: 123_456.789, height: 2), faceScore: 0.3, maskScore: 1 / 3)
            ],
            "a, \"quoted\".jpg": [
                Prediction(
                    box: Box(x: 1, y: 2, width: 3, height: 4), faceScore: 0.5, maskScore: 0.5, label: .incorrect),
                Prediction(box: Box(x: 5, y: 6, width: 0, height: 0), faceScore: -2.5, maskScore: 0),
            ],
        ])
        let directory = try FormatFixtures.temporaryDirectory()
        defer { FormatFixtures.remove(directory) }
        let path = directory + "/predictions.csv"
        try PredictionCSV.write(original, toFile: path)
        let read = try PredictionCSV.read(path: path)
        #expect(read.predictions == original)
    }

    @Test func writingIsDeterministic() {
        let set = PredictionSet(byImage: [
            "b.png": [Prediction(box: Box(x: 1, y: 2, width: 3, height: 4), faceScore: 0.25, maskScore: 0.75)],
            "a.png": [Prediction(box: Box(x: 0.5, y: 0, width: 10, height: 10), faceScore: 1, maskScore: 0.1)],
        ])
        let text = PredictionCSV.encode(set).text
        #expect(
            text == """
                image,x,y,width,height,faceScore,maskScore
                a.png,0.5,0.0,10.0,10.0,1.0,0.1
                b.png,1.0,2.0,3.0,4.0,0.25,0.75

                """)
        #expect(PredictionCSV.encode(set, imageOrder: ["b.png"]).text.split(separator: "\n")[1].hasPrefix("b.png"))
    }

    @Test(
        arguments: [
            (
                "image,x,y,width,height,faceScore,maskScore\na.png,1,2,3,4,0.9,1.5\n", 2, 7,
                "maskScore = P(masked) in [0, 1], found 1.5"
            ),
            ("image,x,y,width,height,faceScore,maskScore\na.png,1,2,3,4,0.9,-0.1\n", 2, 7, "in [0, 1], found -0.1"),
            ("image,x,y,width,height,faceScore,maskScore\na.png,1,2,3,4,0.9\n", 2, nil, "expected 7 fields"),
            ("image,x,y,width,height,faceScore,maskScore\na.png,1,2,-3,4,0.9,0.5\n", 2, 4, "expected width >= 0"),
            ("image,x,y,width,height,faceScore,maskScore\na.png,1,two,3,4,0.9,0.5\n", 2, 3, "expected a number for y"),
            (
                "image,x,y,width,height,faceScore,maskScore\na.png,1,2,3,4,inf,0.5\n", 2, 6,
                "finite number for faceScore"
            ),
            (
                "image,x,y,width,height,faceScore,maskScore,label\na.png,1,2,3,4,0.9,0.5,Foo\n", 2, 8,
                "unknown label 'Foo'; map it with --label 'Foo=masked'"
            ),
            ("image,x,y,w,h,faceScore,maskScore\n", 1, 4, "unknown column 'w'"),
            ("image,x,y,width,height,faceScore\n", 1, nil, "missing column 'maskScore'"),
        ] as [(String, Int, Int?, String)])
    func malformedInputNamesFileLineAndColumn(csv: String, line: Int, column: Int?, says: String) throws {
        let directory = try FormatFixtures.temporaryDirectory()
        defer { FormatFixtures.remove(directory) }
        let path = try FormatFixtures.write(csv, to: "p.csv", in: directory)
        let error = try #require(throws: FormatError.self) { try PredictionCSV.read(path: path) }
        #expect(error.line == line)
        #expect(error.column == column)
        #expect(error.message.contains(says))
        #expect(error.description.hasPrefix("\(path):\(line)"))
    }
}
