import Foundation
import TestSupport
import Testing
import XML

#if canImport(Glibc)
    import Glibc
#endif

/// Why a fixture could not be prepared (a broken test set-up, not a finding about XML).
struct FixtureError: Error, CustomStringConvertible {
    var description: String
}

/// The files under `Tests/XMLTests/Fixtures`, copied into the test bundle's resources.
enum Fixtures {
    /// The bundle's copy of the Fixtures directory.
    static func directory() throws -> URL {
        guard let url = Bundle.module.url(forResource: "Fixtures", withExtension: nil) else {
            throw FixtureError(description: "the Fixtures directory is missing from the XMLTests resource bundle")
        }
        return url
    }

    /// The absolute path of a fixture, e.g. `path("schema/metadata.xsd")`.
    static func path(_ relative: String) throws -> String {
        try directory().appendingPathComponent(relative).path
    }

    /// The bytes of a fixture, exactly as committed.
    static func bytes(_ relative: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: path(relative))))
    }

    /// The bytes of a fixture with `@NAME@` placeholders replaced. Fixtures that are not
    /// UTF-8 (the binary ones) have no placeholders and come back unchanged.
    static func bytes(_ relative: String, substituting values: [String: String]) throws -> [UInt8] {
        let raw = try bytes(relative)
        guard var text = String(bytes: raw, encoding: .utf8), text.contains("@") else { return raw }
        for (name, value) in values {
            text = text.replacingOccurrences(of: "@\(name)@", with: value)
        }
        return Array(text.utf8)
    }

    /// Marker stored only in `secret/secret.txt`: it must never appear in any error.
    static let secretMarker = "DOCKET-SECRET-MARKER-4f1c9e27b8a3"

    /// `file://` URL of the fixture-local secret that the XXE fixture tries to read.
    static func secretURL() throws -> String {
        "file://" + (try path("secret/secret.txt"))
    }
}

/// A real TCP listener on 127.0.0.1 with an ephemeral port, used to prove that parsing a
/// hostile document opened no network connection: the kernel completes a client's handshake
/// into the accept queue even though nobody calls `accept`, so any attempt is counted.
final class LoopbackListener {
    private let descriptor: Int32
    let port: UInt16

    init() throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw FixtureError(description: "socket() failed: errno \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, listen(descriptor, 64) == 0 else {
            close(descriptor)
            throw FixtureError(description: "cannot listen on 127.0.0.1: errno \(errno)")
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        guard named == 0 else {
            close(descriptor)
            throw FixtureError(description: "getsockname() failed: errno \(errno)")
        }
        self.descriptor = descriptor
        port = UInt16(bigEndian: address.sin_port)
        // Non-blocking, so counting connections never waits.
        _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
    }

    deinit {
        close(descriptor)
    }

    /// Accepts (and closes) every connection that has reached the listener so far.
    func acceptPendingConnections() -> Int {
        var count = 0
        while true {
            let client = accept(descriptor, nil, nil)
            if client < 0 {
                if errno == EINTR { continue }
                return count
            }
            close(client)
            count += 1
        }
    }

    /// Opens and closes one client connection to the listener: the control showing that a
    /// connection, had one been made, would have been counted.
    func connectOnce() throws {
        let client = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard client >= 0 else { throw FixtureError(description: "socket() failed: errno \(errno)") }
        defer { close(client) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let status = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(client, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard status == 0 else { throw FixtureError(description: "connect() failed: errno \(errno)") }
    }
}

/// The outcome of running a program to completion.
struct ProcessOutput {
    var status: Int32
    var standardOutput: String
    var standardError: String
}

/// Runs `executable` with `arguments` in `directory` and waits for it, at most `timeout`
/// seconds (see `ChildProcess`: then it is killed and this throws).
func runProcess(_ executable: String, _ arguments: [String], in directory: URL? = nil, timeout: TimeInterval = 120)
    throws -> ProcessOutput
{
    let result = try ChildProcess.run(executable, arguments, in: directory, timeout: timeout)
    return ProcessOutput(
        status: result.status, standardOutput: result.standardOutput, standardError: result.standardError)
}

/// Every piece of text an error could show a user: its description and all its messages.
func disclosedText(of error: any Error) -> String {
    var parts = [String(describing: error)]
    if let error = error as? XMLError {
        parts += error.diagnostics.map { "\($0.description) \($0.source ?? "")" }
    }
    return parts.joined(separator: "\n")
}

/// Fragments of `/etc/passwd` and of the fixture secret that must never surface in errors.
let forbiddenDisclosures = [Fixtures.secretMarker, "hunter2", "root:x:0:0", ":/bin/", "nologin"]
