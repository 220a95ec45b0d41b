import Foundation
import MaskBenchTestSupport
import Testing
import Yams

/// `Examples/kubernetes/`, as far as it can be tried without a cluster: the manifests parse and agree with each
/// other, and their own arguments, with the index Kubernetes sets in `JOB_COMPLETION_INDEX`, run the shards and
/// merge them into one run.
@Suite struct KubernetesManifestTests {
    static let folder = Fixtures.packageRoot.appendingPathComponent("Examples/kubernetes")

    /// Every document of `name`, as dictionaries.
    private func documents(_ name: String) throws -> [[String: Any]] {
        let text = try String(contentsOf: Self.folder.appendingPathComponent(name), encoding: .utf8)
        return try Yams.load_all(yaml: text).map { try #require($0 as? [String: Any], "\(name): not a mapping") }
    }

    private func value(_ object: Any?, _ path: String) -> Any? {
        var current = object
        for key in path.split(separator: ".") {
            if let index = Int(key) {
                current = (current as? [Any]).flatMap { index < $0.count ? $0[index] : nil }
            } else {
                current = (current as? [String: Any])?[String(key)]
            }
        }
        return current
    }

    private func job(_ name: String) throws -> [String: Any] {
        let all = try documents(name)
        #expect(all.count == 1)
        let job = try #require(all.first)
        #expect(value(job, "apiVersion") as? String == "batch/v1")
        #expect(value(job, "kind") as? String == "Job")
        #expect(value(job, "spec.template.spec.restartPolicy") as? String == "Never")
        return job
    }

    private func arguments(_ job: [String: Any]) throws -> [String] {
        try #require(value(job, "spec.template.spec.containers.0.args") as? [String])
    }

    /// The value after `flag` in `arguments`.
    private func option(_ flag: String, in arguments: [String]) -> String? {
        arguments.firstIndex(of: flag).flatMap { $0 + 1 < arguments.count ? arguments[$0 + 1] : nil }
    }

    @Test func theIndexedJobHasOneCompletionPerShard() throws {
        let shards = try job("shard-job.yaml")
        #expect(value(shards, "spec.completionMode") as? String == "Indexed")
        let completions = try #require(value(shards, "spec.completions") as? Int)
        let parallelism = try #require(value(shards, "spec.parallelism") as? Int)
        #expect(parallelism >= 1 && parallelism <= completions)
        let arguments = try arguments(shards)
        #expect(arguments.first == "run")
        #expect(option("--shard", in: arguments) == "auto/\(completions)")
        #expect(option("--out", in: arguments) == "/work/shards/$(JOB_COMPLETION_INDEX)")
        #expect(option("--cache", in: arguments) == "/work/cache")
    }

    @Test func theRerunJobIsTheShardJobWithItsIndexSet() throws {
        let shards = try arguments(try job("shard-job.yaml"))
        let rerun = try job("shard-rerun-job.yaml")
        #expect(value(rerun, "spec.completionMode") == nil)
        let environment = try #require(value(rerun, "spec.template.spec.containers.0.env") as? [[String: Any]])
        #expect(
            environment.contains {
                $0["name"] as? String == "MASKBENCH_SHARD_INDEX" && $0["value"] as? String == "SHARD_INDEX"
            })
        let expected = shards.map {
            $0 == "/work/shards/$(JOB_COMPLETION_INDEX)" ? "/work/shards/$(MASKBENCH_SHARD_INDEX)" : $0
        }
        #expect(try arguments(rerun) == expected)
        #expect(value(rerun, "metadata.name") as? String == "maskbench-shard-SHARD_INDEX")
    }

    @Test func everyJobMountsTheDeclaredClaimsAndTheSameImage() throws {
        let claims = Set(try documents("volumes.yaml").compactMap { value($0, "metadata.name") as? String })
        #expect(claims == ["maskbench-data", "maskbench-work"])
        let work = try documents("volumes.yaml").first { value($0, "metadata.name") as? String == "maskbench-work" }
        #expect(value(work, "spec.accessModes") as? [String] == ["ReadWriteMany"])
        var images = Set<String>()
        for name in ["shard-job.yaml", "merge-job.yaml", "shard-rerun-job.yaml"] {
            let job = try job(name)
            let volumes = try #require(value(job, "spec.template.spec.volumes") as? [[String: Any]])
            let used = Set(volumes.compactMap { value($0, "persistentVolumeClaim.claimName") as? String })
            #expect(used == claims, "\(name)")
            let mounts = try #require(value(job, "spec.template.spec.containers.0.volumeMounts") as? [[String: Any]])
            #expect(Set(mounts.compactMap { $0["mountPath"] as? String }) == ["/data", "/work"], "\(name)")
            images.insert(try #require(value(job, "spec.template.spec.containers.0.image") as? String))
        }
        #expect(images.count == 1)
    }

    /// The shard Job's arguments with Kubernetes' `$(VAR)` expanded and the volumes mapped to `data` and `work`,
    /// the pipeline replaced by the test worker (the seed models are not needed to try the sharding).
    private func localArguments(
        _ arguments: [String], fixture: RunnerFixture, work: String, variables: [String: String]
    ) -> [String] {
        var local: [String] = []
        var index = 0
        while index < arguments.count {
            if arguments[index] == "--pipeline" {
                local += ["--external", RunnerFixture.command("varied"), "--startup-timeout", "20"]
                index += 2
                continue
            }
            var argument = arguments[index]
            for (name, value) in variables { argument = argument.replacingOccurrences(of: "$(\(name))", with: value) }
            argument = argument.replacingOccurrences(of: "/data/annotations", with: fixture.groundTruthURL.path)
            argument = argument.replacingOccurrences(of: "/data/images", with: fixture.imagesPath)
            if argument.hasPrefix("/work/") { argument = work + argument.dropFirst("/work".count) }
            local.append(argument)
            index += 1
        }
        return local
    }

    @Test func theJobsArgumentsRunTheShardsByTheirCompletionIndexAndMergeThem() throws {
        let fixture = try RunnerFixture(count: 11)
        defer { fixture.remove() }
        let work = fixture.folder.appendingPathComponent("work").path
        let shardJob = try job("shard-job.yaml")
        let completions = try #require(value(shardJob, "spec.completions") as? Int)
        let arguments = try arguments(shardJob)
        for k in 0..<completions {
            // What the Job controller sets in pod K.
            let environment = ["JOB_COMPLETION_INDEX": "\(k)", "SLURM_ARRAY_TASK_ID": "", "MASKBENCH_SHARD_INDEX": ""]
            let local = localArguments(arguments, fixture: fixture, work: work, variables: environment)
            let result = try Command.maskbench(local + ["--bootstrap", "50"], environment: environment)
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.contains("Shard \(k)/\(completions) (K from JOB_COMPLETION_INDEX)"))
        }

        // The merge Job's shell line, with the volumes mapped and maskbench the built one.
        let merge = try job("merge-job.yaml")
        #expect(value(merge, "spec.template.spec.containers.0.command") as? [String] == ["/bin/sh", "-c"])
        var line = try #require(try self.arguments(merge).first)
        line = line.replacingOccurrences(of: "/data/annotations", with: fixture.groundTruthURL.path)
        line = line.replacingOccurrences(of: "/data/images", with: fixture.imagesPath)
        line = line.replacingOccurrences(of: " /work/", with: " " + work + "/")
        line = line.replacingOccurrences(
            of: "exec maskbench ", with: "exec '\(Command.productsDirectory.appendingPathComponent("maskbench").path)' "
        )
        let shell = Process()
        shell.executableURL = URL(fileURLWithPath: "/bin/sh")
        shell.arguments = ["-c", line + " --bootstrap 50 --quiet"]
        try shell.run()
        shell.waitUntilExit()
        #expect(shell.terminationStatus == 0)

        // One run over everything, for comparison.
        var single = localArguments(arguments, fixture: fixture, work: work, variables: [:])
        if let at = single.firstIndex(of: "--shard") { single.removeSubrange(at...(at + 1)) }
        if let at = single.firstIndex(of: "--out") { single[at + 1] = work + "/single" }
        let one = try Command.maskbench(single + ["--bootstrap", "50", "--quiet"])
        #expect(one.status == 0, "\(one.stderr)")
        for file in ShardCommandTests.sameBytes {
            let merged = try Data(contentsOf: URL(fileURLWithPath: work + "/merged/" + file))
            let direct = try Data(contentsOf: URL(fileURLWithPath: work + "/single/" + file))
            #expect(merged == direct, "\(file) differs")
        }
    }
}
