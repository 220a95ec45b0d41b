import MaskBenchCore
import Testing

@Suite struct ShardTests {
    private func dataset(_ names: [String]) -> Dataset {
        Dataset(images: names.map { AnnotatedImage(name: $0, faces: []) })
    }

    @Test func anExplicitIndexIsTakenAsGiven() throws {
        let parsed = try Shard.parse("2/5", environment: ["SLURM_ARRAY_TASK_ID": "4"])
        #expect(parsed.shard == Shard(index: 2, count: 5))
        #expect(parsed.variable == nil)
    }

    @Test(arguments: [
        (
            ["MASKBENCH_SHARD_INDEX": "1", "SLURM_ARRAY_TASK_ID": "2", "JOB_COMPLETION_INDEX": "0"], 1,
            "MASKBENCH_SHARD_INDEX"
        ),
        (["SLURM_ARRAY_TASK_ID": "2", "JOB_COMPLETION_INDEX": "0"], 2, "SLURM_ARRAY_TASK_ID"),
        (["JOB_COMPLETION_INDEX": "0"], 0, "JOB_COMPLETION_INDEX"),
        (["MASKBENCH_SHARD_INDEX": "", "JOB_COMPLETION_INDEX": "2"], 2, "JOB_COMPLETION_INDEX"),
    ])
    func autoTakesTheIndexFromTheFirstVariableSet(environment: [String: String], index: Int, variable: String) throws {
        let parsed = try Shard.parse("auto/3", environment: environment)
        #expect(parsed.shard == Shard(index: index, count: 3))
        #expect(parsed.variable == variable)
    }

    @Test(
        arguments: [
            ("3/3", [:], "--shard 3/3: K must be a shard index from 0 to 2"),
            ("-1/3", [:], "--shard -1/3: K must be a shard index from 0 to 2"),
            ("1/0", [:], "--shard takes K/N or auto/N with N a whole number of shards, 1 or more; got '1/0'"),
            ("auto", [:], "--shard takes K/N or auto/N with N a whole number of shards, 1 or more; got 'auto'"),
            ("1/2/3", [:], "--shard takes K/N or auto/N with N a whole number of shards, 1 or more; got '1/2/3'"),
            (
                "auto/3", [:],
                "--shard auto/3: none of MASKBENCH_SHARD_INDEX, SLURM_ARRAY_TASK_ID, JOB_COMPLETION_INDEX is set; give the index as --shard K/3"
            ),
            (
                "auto/3", ["SLURM_ARRAY_TASK_ID": "3"],
                "--shard auto/3: SLURM_ARRAY_TASK_ID=3 is not a shard index from 0 to 2 (a Slurm array for 3 shards is --array=0-2)"
            ),
            (
                "auto/2", ["JOB_COMPLETION_INDEX": "one"],
                "--shard auto/2: JOB_COMPLETION_INDEX=one is not a shard index from 0 to 1 (a Slurm array for 2 shards is --array=0-1)"
            ),
        ] as [(String, [String: String], String)])
    func aBadValueIsRefusedSayingWhy(text: String, environment: [String: String], message: String) {
        #expect(throws: Shard.SpecificationError(message)) {
            try Shard.parse(text, environment: environment)
        }
    }

    @Test func theShardsTakeEveryImageExactlyOnce() {
        let names = (0..<103).map { "img\($0).jpg" }
        let all = dataset(names)
        var seen: [String: Int] = [:]
        for index in 0..<7 {
            let part = Shard(index: index, count: 7).images(of: all)
            #expect(part.images.count == 103 / 7 + (index < 103 % 7 ? 1 : 0))
            for image in part.images { seen[image.name, default: 0] += 1 }
        }
        #expect(seen.count == 103)
        #expect(seen.values.allSatisfy { $0 == 1 })
    }

    @Test func imagesAreNumberedByTheBytesOfTheirNamesWhateverTheDatasetOrder() {
        // By bytes: upper case before lower case, "img10" before "img2", "é" (0xC3 0xA9) after "z".
        let names = ["z.jpg", "é.jpg", "img2.jpg", "B.jpg", "img10.jpg", "a.jpg"]
        #expect(Shard.canonicalOrder(names) == ["B.jpg", "a.jpg", "img10.jpg", "img2.jpg", "z.jpg", "é.jpg"])
        let first = Shard(index: 0, count: 2)
        #expect(first.imageNames(of: dataset(names)) == ["B.jpg", "img10.jpg", "z.jpg"])
        #expect(first.imageNames(of: dataset(names.reversed())) == ["B.jpg", "img10.jpg", "z.jpg"])
        // A shard keeps the dataset's own order.
        #expect(first.images(of: dataset(names)).images.map(\.name) == ["z.jpg", "B.jpg", "img10.jpg"])
    }

    @Test func oneShardIsTheWholeDataset() {
        let all = dataset(["b", "a", "c"])
        #expect(Shard(index: 0, count: 1).images(of: all) == all)
    }
}
