import DocketKit
import Foundation

/// A real archive in a fresh temporary directory, created from this checkout's schemas and
/// workflows, with a clock the test controls.
final class TemporaryArchive: @unchecked Sendable {
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    let path: String
    /// Seconds since 1970 of the archive's clock; tests move it forward.
    private let lock = NSLock()
    private var instant: Date
    private(set) var docket: DocketArchive!

    init(startingAt start: Date = Date(timeIntervalSince1970: 1_474_362_000)) throws {
        instant = start
        path = FileManager.default.temporaryDirectory.appendingPathComponent("docket-kit-\(UUID().uuidString)").path
        docket = try DocketArchive.create(
            at: path, from: Distribution(root: Self.repositoryRoot.path), clock: { [unowned self] in self.now })
    }

    var now: Date {
        lock.lock()
        defer { lock.unlock() }
        return instant
    }

    func advance(days: Double) {
        lock.lock()
        instant += days * 86_400
        lock.unlock()
    }

    /// Opens the same archive again, as a second process would.
    func reopen() throws -> DocketArchive {
        try DocketArchive(opening: path, clock: { [unowned self] in self.now })
    }

    deinit {
        // Archived files are read-only; make them writable so the directory can be removed.
        for file in (try? FileManager.default.subpathsOfDirectory(atPath: path)) ?? [] {
            chmod("\(path)/\(file)", 0o755)
        }
        try? FileManager.default.removeItem(atPath: path)
    }
}

/// The error a use case throws, or nil if it succeeds. (A `catch` with a pattern on a
/// typed-throws call crashes the Swift 6.3.1 compiler, so tests match the value instead.)
func failure(of body: () throws -> some Any) -> DocketError? {
    do {
        _ = try body()
        return nil
    } catch {
        return error as? DocketError
    }
}
