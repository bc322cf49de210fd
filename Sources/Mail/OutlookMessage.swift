import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Outlook `.msg` files (MAPI properties in an OLE2 compound file) turned into RFC 5322
/// messages by `msgconvert`, from Debian's `libemail-outlook-message-perl`, so that the rest of
/// Docket reads them like any other mail (`ParsedMessage`). Docket has no reader of its own
/// for the compound file format: the converter runs as a separate process, in a private
/// directory, under a time limit and with its output capped.
public enum OutlookMessage {
    /// The Debian package that provides `msgconvert`, named in the error when it is missing.
    public static let converterPackage = "libemail-outlook-message-perl"

    /// The first eight bytes of every OLE2 compound file.
    static let compoundFileSignature: [UInt8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]

    /// `__properties_version1.0` in UTF-16LE, as directory entries spell names: the stream of
    /// MAPI properties that every `.msg` has and other compound files (Word 97, Excel 97) lack.
    static let propertiesStreamName: [UInt8] = Array("__properties_version1.0".utf16.flatMap { [UInt8($0 & 0xFF), 0] })

    /// Whether `bytes` look like an Outlook message: an OLE2 compound file (the signature, and
    /// at least its 512-byte header) that names the MAPI property stream somewhere. A Word 97
    /// document is a compound file too, and does not count.
    public static func isOutlookMessage(_ bytes: [UInt8]) -> Bool {
        guard bytes.count >= 512, bytes.starts(with: compoundFileSignature) else { return false }
        return Data(bytes).range(of: Data(propertiesStreamName)) != nil
    }

    /// Converts an Outlook message to an RFC 5322 message with `msgconvert`.
    ///
    /// The message is written to a fresh directory that only Docket's user can enter (0700),
    /// the converter runs there (`msgconvert --outfile message.eml message.msg`) with no
    /// standard input, and the directory is removed afterwards whatever happened.
    ///
    /// - Parameters:
    ///   - bytes: the `.msg` file.
    ///   - converter: the path of `msgconvert`; `nil` looks for it on `PATH`.
    ///   - timeLimit: how long the converter may run before it is killed.
    ///   - maximumOutputBytes: the largest message accepted from the converter (attachments
    ///     come out base64-encoded, a third larger than in the `.msg`).
    /// - Returns: the message, as `msgconvert` wrote it (MIME; headers may hold raw 8-bit text).
    /// - Throws: `OutlookConversionError`: `.notOutlookMessage` before anything runs for bytes
    ///   that are not a `.msg`; `.converterMissing` naming the Debian package when `msgconvert`
    ///   is not installed or cannot start; `.timedOut`, `.conversionFailed` or
    ///   `.outputTooLarge` for what the run gave.
    public static func convertToRFC5322(
        _ bytes: [UInt8], converter: String? = nil, timeLimit: Duration = .seconds(30), maximumOutputBytes: Int
    ) throws(OutlookConversionError) -> [UInt8] {
        guard isOutlookMessage(bytes) else { throw .notOutlookMessage }
        let program = try locateConverter(converter)
        let directory = try makePrivateDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        do {
            try Data(bytes).write(to: directory.appendingPathComponent("message.msg"), options: .withoutOverwriting)
        } catch {
            throw .workspaceFailed("could not write the message to \(directory.path): \(error.localizedDescription)")
        }
        let run: ChildProgram.Outcome
        do {
            run = try ChildProgram.run(
                program, ["--outfile", "message.eml", "message.msg"], directory: directory,
                timeLimit: seconds(timeLimit))
        } catch {
            throw .converterMissing("\(program) could not be started (\(error.localizedDescription))")
        }
        switch run.ending {
        case .timedOut:
            throw .timedOut(timeLimit)
        case .killedBySignal(let signal):
            throw .conversionFailed(status: 128 + signal, printed: run.printed)
        case .exited(let status) where status != 0:
            // Debian only recommends Email::Address, without which msgconvert cannot start:
            // that is a missing installation, not a message it could not read.
            if run.printed.contains("Can't locate "), run.printed.contains("@INC") {
                throw .converterMissing("\(program) cannot load a Perl module it needs: \(run.printed.prefix(300))")
            }
            throw .conversionFailed(status: status, printed: run.printed)
        case .exited:
            return try readOutput(directory.appendingPathComponent("message.eml"), limit: maximumOutputBytes, run: run)
        }
    }

    /// The converter to run: `converter` if it is an executable file, else `msgconvert` from `PATH`.
    static func locateConverter(_ converter: String?) throws(OutlookConversionError) -> String {
        if let converter {
            guard FileManager.default.isExecutableFile(atPath: converter) else {
                throw .converterMissing("\(converter) does not exist or cannot be run")
            }
            return converter
        }
        let directories = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        for directory in directories where FileManager.default.isExecutableFile(atPath: "\(directory)/msgconvert") {
            return "\(directory)/msgconvert"
        }
        throw .converterMissing("msgconvert was not found on PATH")
    }

    /// A new directory under the temporary directory, made by `mkdtemp` (mode 0700, a name no
    /// one else can have taken first): the `.msg` may be confidential, and the converter writes
    /// next to it.
    static func makePrivateDirectory() throws(OutlookConversionError) -> URL {
        let base = FileManager.default.temporaryDirectory.path
        var template = Array("\(base)/docket-outlook-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else {
            throw .workspaceFailed("could not make a directory in \(base): \(String(cString: strerror(errno)))")
        }
        return URL(fileURLWithPath: String(cString: made), isDirectory: true)
    }

    /// Reads what the converter wrote, never more than `limit` bytes into memory.
    static func readOutput(_ file: URL, limit: Int, run: ChildProgram.Outcome) throws(OutlookConversionError)
        -> [UInt8]
    {
        guard let handle = try? FileHandle(forReadingFrom: file) else {
            throw .conversionFailed(status: 0, printed: "msgconvert exited without writing a message. \(run.printed)")
        }
        defer { try? handle.close() }
        let data: Data?
        do {
            // One byte past the limit tells a message of exactly `limit` bytes from a larger one.
            data = try handle.read(upToCount: limit + 1)
        } catch {
            throw .workspaceFailed("could not read the converted message: \(error.localizedDescription)")
        }
        let output = [UInt8](data ?? Data())
        guard output.count <= limit else { throw .outputTooLarge(limit: limit) }
        guard !output.isEmpty else {
            throw .conversionFailed(status: 0, printed: "msgconvert wrote an empty message. \(run.printed)")
        }
        return output
    }

    static func seconds(_ duration: Duration) -> TimeInterval {
        let parts = duration.components
        return TimeInterval(parts.seconds) + TimeInterval(parts.attoseconds) / 1e18
    }
}

/// Why an Outlook message could not be converted.
public enum OutlookConversionError: Error, Sendable, Hashable, CustomStringConvertible {
    /// `msgconvert` is not installed, is not where it was said to be, or cannot start; the
    /// text says which. The description names the Debian package to install.
    case converterMissing(String)
    /// The bytes are not an Outlook `.msg` file (see `OutlookMessage.isOutlookMessage`).
    case notOutlookMessage
    /// The converter failed: its exit status (128 plus the signal's number when a signal ended
    /// it, as shells report it) and the start of what it printed.
    case conversionFailed(status: Int32, printed: String)
    /// The converter was still running at this time limit, and was killed.
    case timedOut(Duration)
    /// The converted message was larger than this many bytes, and was not read.
    case outputTooLarge(limit: Int)
    /// The private directory for the conversion could not be made, written or read.
    case workspaceFailed(String)

    public var description: String {
        switch self {
        case .converterMissing(let detail):
            return "Outlook messages cannot be converted here: \(detail). Install the Debian package "
                + "\(OutlookMessage.converterPackage) (with libemail-address-perl, which its msgconvert needs)."
        case .notOutlookMessage:
            return "not an Outlook message (.msg): an OLE2 compound file with MAPI properties was expected"
        case .conversionFailed(let status, let printed):
            return "msgconvert could not convert the Outlook message (status \(status))"
                + (printed.isEmpty ? "" : ": \(printed.prefix(500))")
        case .timedOut(let limit):
            return "msgconvert did not finish converting the Outlook message within \(limit); it was stopped"
        case .outputTooLarge(let limit):
            return "the converted Outlook message is larger than the \(limit) bytes allowed"
        case .workspaceFailed(let detail):
            return "the Outlook message could not be converted: \(detail)"
        }
    }
}
