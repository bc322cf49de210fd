import ArgumentParser

/// `docket-bench`: release-built throughput measurements of Docket's modules, each run against
/// a baseline measured in the same run on the same inputs (so machine noise hits both alike).
///
/// Build and run it release-built, e.g.
/// `swift build -c release --scratch-path .build-release --product docket-bench &&
///  .build-release/release/docket-bench xml`.
@main
struct DocketBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "docket-bench",
        abstract: "Measure Docket's throughput against baselines measured in the same run.",
        discussion: """
            Each subcommand generates or reads its inputs, runs the Docket code and a baseline \
            (for example xmllint) interleaved over several rounds, and prints the median and \
            minimum wall times, throughputs and the ratios against the issue's targets. \
            Build it release-built (swift build -c release); debug numbers mean nothing.
            """,
        subcommands: [
            XMLThroughput.self, ArchiveWrites.self, ScaleGenerate.self, ScaleBenchmark.self, ScaleXMLLint.self,
            NotifyBenchmark.self,
            MailImportBenchmark.self, RetentionBenchmark.self, SigningBenchmark.self,
        ]
    )
}
