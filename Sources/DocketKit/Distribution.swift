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

    /// The web app's `Templates/` and `Static/`, when installed (`scripts/install`); in a build
    /// tree they are the server module's own resources instead.
    public var webDirectory: String { "\(root)/web" }

    /// Finds the distribution: `$DOCKET_HOME`; else, going up from the running executable, the
    /// first directory that is one (a checkout, above `.build/release/docket`) or holds one in
    /// `share/docket` (an installation, `PREFIX/bin/docket` beside `PREFIX/share/docket`); else
    /// the same above the current directory.
    public static func locate(environment: [String: String] = ProcessInfo.processInfo.environment) -> Distribution? {
        if let home = environment["DOCKET_HOME"], isDistribution(home) { return Distribution(root: home) }
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        for start in [
            executable.deletingLastPathComponent(), URL(fileURLWithPath: FileManager.default.currentDirectoryPath),
        ] {
            var directory = start
            while directory.path != "/" {
                if isDistribution(directory.path) { return Distribution(root: directory.path) }
                let installed = directory.appendingPathComponent("share/docket").path
                if isDistribution(installed) { return Distribution(root: installed) }
                directory = directory.deletingLastPathComponent()
            }
        }
        return nil
    }

    /// Why `locate` found nothing, and how to fix it.
    public static let notFoundMessage = """
        cannot find Docket's distribution: the directory holding archive/schema/ (the XML schemas), \
        workflows/ (the SCXML definitions) and, once installed, web/ (the web app's templates). \
        scripts/install puts it in PREFIX/share/docket beside PREFIX/bin/docket, where docket finds \
        it by itself; otherwise set DOCKET_HOME to that directory (a checkout's root also works)
        """

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
