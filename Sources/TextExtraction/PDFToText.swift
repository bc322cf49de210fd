import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Runs poppler's `pdftotext` on one file, with a time limit and an output limit.
///
/// PDF is too large and too hostile a format to parse in-process; a separate process can be
/// killed. Its output and error streams are read on the calling thread with `poll`, so a
/// child that hangs, or writes without end, costs at most `timeout` and `outputLimit` bytes.
struct PDFToText {
    /// The pdftotext executable.
    var executable: String
    var timeout: Duration
    /// Standard output beyond this many bytes is not read; the child is then stopped.
    var outputLimit: Int

    /// The Debian package that provides pdftotext, for the reason given when it is missing.
    static let notInstalled = "pdftotext is not installed (Debian package poppler-utils)"

    /// The text of the PDF file at `path`.
    ///
    /// - Throws: `NotExtracted` if pdftotext cannot be started, fails (with the last line it
    ///   wrote to standard error), is killed by a signal, or runs past the time limit.
    func text(ofFile path: String) throws(NotExtracted) -> RawText {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        // A relative path starting with "-" would be read as an option.
        let argument = path.hasPrefix("/") ? path : "./" + path
        // No -q: its messages on standard error are the only way to say why a PDF failed.
        process.arguments = ["-enc", "UTF-8", argument, "-"]
        process.standardInput = FileHandle.nullDevice
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        do {
            try process.run()
        } catch {
            throw NotExtracted("pdftotext could not be started: \(error.localizedDescription)")
        }
        let deadline = ContinuousClock.now + timeout
        var collected = collect(
            output: output.fileHandleForReading.fileDescriptor, errors: errors.fileHandleForReading.fileDescriptor,
            until: deadline)
        if !collected.timedOut && !collected.outputCut {
            // Both streams closed: the child is exiting. Wait for it, but not past the deadline.
            while process.isRunning && ContinuousClock.now < deadline { usleep(1000) }
            collected.timedOut = process.isRunning
        }
        if collected.timedOut || collected.outputCut {
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        }
        process.waitUntilExit()

        if collected.timedOut { throw NotExtracted("pdftotext timed out after \(Self.describe(timeout))") }
        let text = TextDecoding.decode(collected.output, wasCut: collected.outputCut)
        if collected.outputCut { return RawText(text: text, inputWasCut: true) }
        let lastMessage = Self.lastLine(of: collected.errorTail)
        switch process.terminationReason {
        case .uncaughtSignal:
            throw NotExtracted("pdftotext was stopped by signal \(process.terminationStatus)")
        case .exit where process.terminationStatus != 0:
            throw NotExtracted(
                "pdftotext failed (exit status \(process.terminationStatus))"
                    + (lastMessage.isEmpty ? "" : ": \(lastMessage)"))
        default:
            return RawText(text: text)
        }
    }

    /// What was read from the child's streams.
    private struct Collected {
        var output: [UInt8] = []
        /// The last few kilobytes of standard error (the final message is the telling one).
        var errorTail: [UInt8] = []
        var outputCut = false
        var timedOut = false
    }

    /// Reads both streams until both close, the output passes the limit, or the deadline.
    private func collect(output: Int32, errors: Int32, until deadline: ContinuousClock.Instant) -> Collected {
        var collected = Collected()
        var open: [Int32] = [output, errors]
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        let errorTailLimit = 4096
        while !open.isEmpty {
            let remaining = deadline - ContinuousClock.now
            guard remaining > .zero else {
                collected.timedOut = true
                break
            }
            var descriptors = open.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            let (seconds, attoseconds) = remaining.components
            let milliseconds = seconds * 1000 + attoseconds / 1_000_000_000_000_000 + 1
            let ready = poll(&descriptors, nfds_t(descriptors.count), Int32(clamping: milliseconds))
            if ready < 0 && errno != EINTR { break }
            for descriptor in descriptors where descriptor.revents != 0 {
                let count = buffer.withUnsafeMutableBytes { read(descriptor.fd, $0.baseAddress, $0.count) }
                if count < 0 && (errno == EINTR || errno == EAGAIN) { continue }
                guard count > 0 else {
                    open.removeAll { $0 == descriptor.fd }
                    continue
                }
                if descriptor.fd == output {
                    collected.output.append(contentsOf: buffer[..<count])
                } else {
                    collected.errorTail.append(contentsOf: buffer[..<count])
                    if collected.errorTail.count > errorTailLimit {
                        collected.errorTail.removeFirst(collected.errorTail.count - errorTailLimit)
                    }
                }
            }
            if collected.output.count > outputLimit {
                collected.output.removeLast(collected.output.count - outputLimit)
                collected.outputCut = true
                break
            }
        }
        return collected
    }

    /// The last non-empty line of a message stream.
    private static func lastLine(of bytes: [UInt8]) -> String {
        let text = String(decoding: bytes, as: UTF8.self)
        let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
        return lines.last { !$0.isEmpty } ?? ""
    }

    /// "30 s", "0.5 s".
    static func describe(_ duration: Duration) -> String {
        let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        return seconds == seconds.rounded() ? "\(Int(seconds)) s" : "\(seconds) s"
    }
}
