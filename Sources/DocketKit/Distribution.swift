import Foundation

/// Where Docket's own files live: the schemas every new archive carries and the default
/// workflow definitions. In a checkout these are `archive/schema/` and `workflows/`.
public struct Distribution: Sendable {
    /// The directory holding `archive/schema/` and `workflows/`.
    public var root: String

    /// The default archive home: `schema/` and `calendar/`, which every archive copies.
    public var archiveDirectory: String { "\(root)/archive" }
    public var schemaDirectory: String { "\(root)/archive/schema" }
    public var workflowsDirectory: String { "\(root)/workflows" }

    public init(root: String) {
        self.root = root
    }

    /// Finds the distribution: `$DOCKET_HOME`, else the nearest directory above the running
    /// executable (e.g. `.build/release/docket` in a checkout), else above the current directory.
    public static func locate(environment: [String: String] = ProcessInfo.processInfo.environment) -> Distribution? {
        if let home = environment["DOCKET_HOME"], isDistribution(home) { return Distribution(root: home) }
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        for start in [
            executable.deletingLastPathComponent(), URL(fileURLWithPath: FileManager.default.currentDirectoryPath),
        ] {
            var directory = start
            while directory.path != "/" {
                if isDistribution(directory.path) { return Distribution(root: directory.path) }
                directory = directory.deletingLastPathComponent()
            }
        }
        return nil
    }

    private static func isDistribution(_ path: String) -> Bool {
        FileManager.default.fileExists(atPath: "\(path)/archive/schema/docket-archive-1.xsd")
            && FileManager.default.fileExists(atPath: "\(path)/workflows")
    }

    /// The `.scxml` files shipped in `workflows/`.
    public func workflowFiles() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: workflowsDirectory)) ?? []
        return names.filter { $0.hasSuffix(".scxml") }.sorted().map { "\(workflowsDirectory)/\($0)" }
    }
}
