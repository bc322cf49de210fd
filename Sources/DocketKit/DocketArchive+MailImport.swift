import Archive
import Foundation
import Mail

/// What `importMail` did.
public struct MailImportReport: Sendable {
    public var archived = 0
    /// Already archived (the same bytes): counted, not archived again. A re-run of an
    /// interrupted import finds everything it archived the first time here.
    public var duplicates = 0
    public var filed = 0
    public var flagged = 0
    /// Messages that could not be archived at all (over the archive's document limit), with
    /// where they are in their source and why.
    public var refused: [(source: String, reason: String)] = []

    /// Counts one message's outcome; a message refused as such (empty) is listed, not thrown.
    mutating func count(from source: String, _ receive: () throws(DocketError) -> MessageArrival) throws(DocketError) {
        do {
            count(try receive())
        } catch .invalidInput(let reason) {
            refused.append((source, reason))
        }
    }

    mutating func count(_ arrival: MessageArrival) {
        if arrival.isDuplicate { duplicates += 1 } else { archived += 1 }
        if arrival.filedTo != nil, !arrival.isDuplicate { filed += 1 }
        if !arrival.record.flags.isEmpty, !arrival.isDuplicate { flagged += 1 }
    }
}

/// Where an import reads messages from.
public enum MailSource: Sendable, Hashable {
    /// One message per file.
    case messageFile(String)
    /// An mbox (messages after `From ` lines; `>From ` quoting undone as mboxrd defines).
    case mbox(String)
    /// A Maildir folder (`cur/`, `new/`, `tmp/`): the messages in `new/` and `cur/`.
    case maildir(String)

    /// What is at `path`: a directory with `cur`, `new` and `tmp` is a Maildir, a file whose
    /// first line starts `From ` an mbox, any other file one message.
    public static func detect(_ path: String) throws(DocketError) -> MailSource {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw .invalidInput("\(path): no such file or directory")
        }
        if isDirectory.boolValue { return .maildir(path) }
        guard let handle = FileHandle(forReadingAtPath: path) else { throw .invalidInput("\(path): not readable") }
        defer { try? handle.close() }
        let start = (try? handle.read(upToCount: 5)) ?? Data()
        return start == Data("From ".utf8) ? .mbox(path) : .messageFile(path)
    }
}

extension DocketArchive {
    /// Archives every message of the sources, as `receiveMessage` does one (route `import`):
    /// exactly as each is in its source, filed by the same rules, duplicates counted and not
    /// archived twice — so an interrupted import is resumed by running it again.
    ///
    /// - Parameter progress: (what, done, total): messages for files and Maildirs, bytes for an mbox.
    /// - Throws: for a source that cannot be read at all (a Maildir without its folders, a file
    ///   that is not readable); a single message over the document limit is reported in the
    ///   result instead, and the import goes on.
    public func importMail(
        from sources: [MailSource], submission: String? = nil,
        progress: (String, Int, Int) -> Void = { _, _, _ in }
    ) throws(DocketError) -> MailImportReport {
        var report = MailImportReport()
        for source in sources {
            switch source {
            case .messageFile(let path):
                let bytes = try Self.readMessageFile(path)
                guard bytes.count <= Self.maximumDocumentSize else {
                    report.refused.append(
                        (
                            path,
                            Wording.overSizeLimit("the message", bytes: bytes.count, limit: Self.maximumDocumentSize)
                        ))
                    continue
                }
                try report.count(from: path) { () throws(DocketError) in
                    try receiveMessage(bytes, route: .import, source: Self.fileName(path), submission: submission)
                }
                progress("importing \(Self.fileName(path))", 1, 1)
            case .maildir(let path):
                let files: [Maildir.MessageFile]
                do {
                    files = try Maildir(path: path).messageFiles()
                } catch {
                    throw .invalidInput("\(error)")
                }
                for (offset, file) in files.enumerated() {
                    let bytes = try Self.readMessageFile(file.path)
                    if bytes.count > Self.maximumDocumentSize {
                        report.refused.append(
                            (
                                file.path,
                                Wording.overSizeLimit(
                                    "the message", bytes: bytes.count, limit: Self.maximumDocumentSize)
                            ))
                    } else {
                        try report.count(from: file.path) { () throws(DocketError) in
                            try receiveMessage(
                                bytes, route: .import,
                                source: "\(Self.fileName(path))/\(file.isNew ? "new" : "cur")/\(file.name)",
                                submission: submission)
                        }
                    }
                    progress("importing \(Self.fileName(path))", offset + 1, files.count)
                }
            case .mbox(let path):
                var reader: MboxReader
                do {
                    reader = try MboxReader(path: path, maximumMessageBytes: Self.maximumDocumentSize)
                } catch {
                    throw .invalidInput("\(error)")
                }
                let total = Int(clamping: reader.fileSize)
                while true {
                    let next: Result<MboxMessage, MboxError>?
                    do {
                        next = try reader.next()
                    } catch {
                        throw .invalidInput("\(error)")
                    }
                    guard let next else { break }
                    switch next {
                    case .success(let message):
                        try report.count(from: "\(path) at byte \(message.offset)") { () throws(DocketError) in
                            try receiveMessage(
                                message.bytes, route: .import,
                                source: "\(Self.fileName(path)) at byte \(message.offset)", submission: submission)
                        }
                    case .failure(let error):
                        report.refused.append(("\(path)", "\(error)"))
                    }
                    progress("importing \(Self.fileName(path))", Int(clamping: reader.bytesConsumed), total)
                }
            }
        }
        return report
    }

    private static func fileName(_ path: String) -> String {
        path.split(separator: "/").last.map(String.init) ?? path
    }

    /// A message file's bytes: at most one byte past the document limit (enough to refuse it).
    private static func readMessageFile(_ path: String) throws(DocketError) -> [UInt8] {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw .invalidInput("\(path): no such file, or not readable")
        }
        defer { try? handle.close() }
        do {
            return [UInt8](try handle.read(upToCount: maximumDocumentSize + 1) ?? Data())
        } catch {
            throw .invalidInput("\(path): \(error)")
        }
    }
}
