import Archive
import Crypto
import Foundation
import Workflow

/// What `exportBag` wrote.
public struct BagSummary: Sendable, Hashable {
    /// The bag's directory.
    public var directory: String
    /// Payload files (under `data/`).
    public var files: Int
    /// Payload bytes (the `Payload-Oxum` octet count).
    public var bytes: Int
    /// SHA-256 of the last event file (of `submission.xml` when there is no event).
    public var chainHead: String
    /// Number of events in the chain.
    public var chainLength: Int
}

extension DocketArchive {
    /// Writes a submission's record as a BagIt bag (RFC 8493) for a records office: its
    /// documents and their XML metadata, its event files, `submission.xml` and `head.xml`, the
    /// workflow definition it is pinned to and the archive's schemas, under `data/` in the
    /// archive's own layout (so `xmllint --schema data/schema/docket-archive-1.xsd` checks it
    /// without Docket), with SHA-256 manifests and a `bag-info.txt` naming the submission and
    /// its chain head.
    ///
    /// The hash chain is checked and every document re-hashed while it is copied: a damaged
    /// submission is refused, never packaged. The bag is built beside `directory` and renamed
    /// into place when complete, so a failure never leaves a partial bag there.
    ///
    /// - Parameter progress: (files copied, files to copy).
    @discardableResult
    public func exportBag(
        _ reference: String, to directory: String, progress: (Int, Int) -> Void = { _, _ in }
    ) throws(DocketError) -> BagSummary {
        let target = directory.hasSuffix("/") && directory.count > 1 ? String(directory.dropLast()) : directory
        if let existing = try? FileManager.default.contentsOfDirectory(atPath: target), !existing.isEmpty {
            throw .invalidInput("\(target) exists and is not empty; choose a new directory for the bag")
        }
        if FileManager.default.fileExists(atPath: target),
            (try? FileManager.default.contentsOfDirectory(atPath: target)) == nil
        {
            throw .invalidInput("\(target) exists and is not a directory")
        }
        let current = try readSubmission(reference)  // checks every event and the chain
        let view = try makeView(current, for: nil)
        let record = current.record
        let submissionDirectory = store.submissionDirectory(reference)

        // What goes in, as (path in the archive, path under data/).
        var payload: [(source: String, name: String)] = []
        let schemaRoot = "\(store.root)/schema"
        for relative in Self.files(under: schemaRoot) {
            payload.append(("\(schemaRoot)/\(relative)", "schema/\(relative)"))
        }
        payload.append(
            (store.pinnedWorkflowPath(digest: record.workflowDigest), "workflows/pinned/\(record.workflowDigest).scxml")
        )
        let base = "submissions/\(reference)"
        payload.append(("\(submissionDirectory)/submission.xml", "\(base)/submission.xml"))
        if DurableFile.exists("\(submissionDirectory)/head.xml") {
            payload.append(("\(submissionDirectory)/head.xml", "\(base)/head.xml"))
        }
        for event in current.events {
            let name = String(event.path.split(separator: "/").last ?? "")
            payload.append((event.path, "\(base)/events/\(name)"))
        }
        var expectedDigests: [String: String] = [:]  // data/ name -> SHA-256 it must have
        for metadata in view.documents {
            let content = "\(base)/documents/\(metadata.storedAs)"
            payload.append((store.documentPath(reference, storedAs: metadata.storedAs), content))
            expectedDigests[content] = metadata.sha256
            payload.append(
                ("\(submissionDirectory)/documents/\(metadata.sha256).xml", "\(base)/documents/\(metadata.sha256).xml"))
        }
        for event in current.events {
            expectedDigests["\(base)/events/\(String(event.path.split(separator: "/").last ?? ""))"] = event.fileSHA256
        }

        let parent = URL(fileURLWithPath: target).deletingLastPathComponent().path
        let building =
            "\(parent)/.\(URL(fileURLWithPath: target).lastPathComponent).partial-\(UUID().uuidString.prefix(8))"
        do {
            let summary = try writeBag(
                at: building, payload: payload, expectedDigests: expectedDigests, view: view, current: current,
                progress: progress)
            if FileManager.default.fileExists(atPath: target) { rmdir(target) }  // an empty directory given
            guard rename(building, target) == 0 else {
                throw DocketError.invalidInput(
                    "could not move the bag to \(target): \(String(cString: strerror(errno)))")
            }
            return BagSummary(
                directory: target, files: summary.files, bytes: summary.bytes, chainHead: current.headSHA256,
                chainLength: current.events.count)
        } catch {
            try? FileManager.default.removeItem(atPath: building)
            throw error as? DocketError ?? .invalidInput("\(error)")
        }
    }

    private func writeBag(
        at root: String, payload: [(source: String, name: String)], expectedDigests: [String: String],
        view: SubmissionView, current: CurrentSubmission, progress: (Int, Int) -> Void
    ) throws -> (files: Int, bytes: Int) {
        var manifest: [(name: String, sha256: String)] = []
        var bytes = 0
        progress(0, payload.count)
        for (number, item) in payload.enumerated() {
            let content = try DurableFile.read(item.source)
            let digest = ArchiveStore.sha256(content)
            if let expected = expectedDigests[item.name], expected != digest {
                throw DocketError.archive(
                    .damaged(path: item.source, reason: "its SHA-256 is \(digest), the record says \(expected)"))
            }
            let destination = "\(root)/data/\(item.name)"
            try DurableFile.makeDirectory(URL(fileURLWithPath: destination).deletingLastPathComponent().path)
            try DurableFile.create(content, at: destination)
            manifest.append(("data/\(item.name)", digest))
            bytes += content.count
            progress(number + 1, payload.count)
        }
        let bagit = "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"
        let manifestText = manifest.sorted { $0.name < $1.name }.map { "\($0.sha256)  \(Self.bagPath($0.name))\n" }
            .joined()
        let info = bagInfo(view: view, current: current, bytes: bytes, files: manifest.count)
        var tags: [(name: String, text: String)] = [
            ("bagit.txt", bagit), ("bag-info.txt", info), ("manifest-sha256.txt", manifestText),
        ]
        let tagManifest = tags.map { "\(ArchiveStore.sha256(Array($0.text.utf8)))  \($0.name)\n" }.joined()
        tags.append(("tagmanifest-sha256.txt", tagManifest))
        for tag in tags { try DurableFile.create(Array(tag.text.utf8), at: "\(root)/\(tag.name)") }
        return (manifest.count, bytes)
    }

    /// `bag-info.txt`: the standard labels, then Docket's own (one line each).
    private func bagInfo(view: SubmissionView, current: CurrentSubmission, bytes: Int, files: Int) -> String {
        let record = view.record
        let style = Date.ISO8601FormatStyle()
        var lines: [(String, String)] = [
            ("Bagging-Date", String(style.format(now()).prefix(10))),
            ("Bag-Software-Agent", "Docket (archive format 1)"),
            ("External-Identifier", record.reference),
            ("External-Description", record.title),
            ("Payload-Oxum", "\(bytes).\(files)"),
            ("Bag-Size", ByteCountFormatter.string(fromByteCount: Int64(bytes), countStyle: .file)),
            ("Docket-Reference", record.reference),
            ("Docket-Title", record.title),
        ]
        if let series = record.series { lines.append(("Docket-Series", series)) }
        if let service = record.service { lines.append(("Docket-Service", service)) }
        lines += [
            ("Docket-Workflow", "\(record.workflowName) \(record.workflowDigest)"),
            ("Docket-State", view.state),
            ("Docket-Created", style.format(record.created)),
        ]
        if let last = view.events.last { lines.append(("Docket-Last-Event", style.format(last.time))) }
        for event in view.events {
            guard case .transition(let transition) = event.body else { continue }
            for (field, value) in transition.fields.sorted(by: { $0.key < $1.key }) where field.hasSuffix("-on") {
                lines.append(
                    ("Docket-\(field.split(separator: "-").map { $0.capitalized }.joined(separator: "-"))", value))
            }
        }
        lines += [
            ("Docket-Chain-Length", String(current.events.count)),
            ("Docket-Chain-Head", current.headSHA256),
        ]
        return lines.map { "\($0.0): \(Self.oneLine($0.1))\n" }.joined()
    }

    /// Every file under `directory` (relative paths, sorted), leaving out dot files.
    static func files(under directory: String) -> [String] {
        var result: [String] = []
        for name in DurableFile.list(directory) where !name.hasPrefix(".") {
            var isDirectory: ObjCBool = false
            let path = "\(directory)/\(name)"
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { continue }
            if isDirectory.boolValue {
                result += files(under: path).map { "\(name)/\($0)" }
            } else {
                result.append(name)
            }
        }
        return result
    }

    /// A manifest path as RFC 8493 §2.1.3 wants it: CR, LF and % percent-encoded.
    static func bagPath(_ path: String) -> String {
        path.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "\n", with: "%0A")
            .replacingOccurrences(of: "\r", with: "%0D")
    }

    static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).joined(separator: " ")
    }
}
