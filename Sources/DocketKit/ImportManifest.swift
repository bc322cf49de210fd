import Archive
import Foundation
import SwiftCSV
import Workflow

/// A bulk-import manifest: a CSV file with a header row naming, for each existing document,
/// its file, its metadata and the submission it belongs to. See the README for the columns.
///
/// Checking is separate from importing: `DocketArchive.planImport` reads every row and every
/// file and lists every problem with its row number before anything is written.
public struct ImportManifest: Sendable {
    /// Every column a manifest may have; anything else is refused as a likely typo.
    public static let columns = [
        "file", "reference", "submission_title", "workflow", "state", "series", "service", "kind", "title", "date",
        "from", "to", "direction", "annex", "description", "marking", "relation",
    ]
    /// Columns every row must fill.
    public static let requiredColumns = ["file", "reference", "kind", "title"]

    /// The manifest's path (files are found relative to its folder).
    public let path: String
    /// The header, as written.
    public let header: [String]
    /// Data rows with their row numbers as a spreadsheet shows them (the header is row 1).
    public let rows: [(number: Int, fields: [String: String])]

    /// Reads and parses a manifest.
    ///
    /// - Throws: `.invalidInput` when the file cannot be read or is not CSV with a usable
    ///   header (unknown or missing columns, a row with the wrong number of fields).
    public init(contentsOf path: String) throws(DocketError) {
        self.path = path
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .invalidInput("cannot read the manifest \(path)")
        }
        guard var text = String(data: data, encoding: .utf8) else {
            throw .invalidInput("the manifest \(path) is not UTF-8 text")
        }
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }  // spreadsheets often write a BOM
        let csv: CSV<Enumerated>
        do {
            csv = try CSV<Enumerated>(string: text, delimiter: .comma, loadColumns: false)
        } catch {
            throw .invalidInput("the manifest \(path) is not valid CSV: \(error)")
        }
        let header = csv.header.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        var problems: [String] = []
        for name in header where !Self.columns.contains(name) {
            problems.append("unknown column '\(name)' (columns are \(Self.columns.joined(separator: ", ")))")
        }
        for name in Self.requiredColumns where !header.contains(name) {
            problems.append("missing column '\(name)'")
        }
        if Set(header).count != header.count { problems.append("a column is named twice") }
        var rows: [(number: Int, fields: [String: String])] = []
        for (offset, row) in csv.rows.enumerated() {
            let number = offset + 2
            if row.allSatisfy({ $0.trimmingCharacters(in: .whitespaces).isEmpty }) { continue }
            guard row.count == header.count else {
                problems.append("row \(number): \(row.count) fields, but the header has \(header.count)")
                continue
            }
            var fields: [String: String] = [:]
            for (name, value) in zip(header, row) {
                let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
                if !trimmed.isEmpty { fields[name] = trimmed }
            }
            rows.append((number, fields))
        }
        if rows.isEmpty && problems.isEmpty { problems.append("it has no data rows") }
        guard problems.isEmpty else {
            throw .invalidInput("the manifest \(path) cannot be used:\n  " + problems.joined(separator: "\n  "))
        }
        self.header = header
        self.rows = rows
    }

    /// The folder that relative `file` paths start from.
    var folder: String {
        let url = URL(fileURLWithPath: path).deletingLastPathComponent()
        return url.path
    }
}

/// One problem with a manifest row.
public struct ImportProblem: Sendable, Hashable, CustomStringConvertible {
    public var row: Int
    public var column: String?
    public var message: String

    public var description: String {
        "row \(row)\(column.map { " (\($0))" } ?? ""): \(message)"
    }
}

/// What an import will do, worked out from the manifest and the archive before any write.
public struct ImportPlan: Sendable {
    /// One document to bring in.
    public struct Document: Sendable {
        public var row: Int
        public var file: String
        public var sha256: String
        public var description: DocumentDescription
    }

    /// One submission the manifest names, new or already in the archive.
    public struct Submission: Sendable {
        public var reference: String
        public var title: String
        public var workflow: String
        /// The state to import a new (or untouched) submission into.
        public var state: String?
        public var series: String?
        public var service: String?
        /// Whether the archive already has it.
        public var exists: Bool
        public var documents: [Document]
    }

    public var submissions: [Submission]
    /// Every problem found, by row; an import with problems runs only with `skipInvalid`.
    public var problems: [ImportProblem]
    /// Rows left out because of their problems (when skipping invalid rows).
    public var invalidRows: Set<Int>

    /// Documents in the plan.
    public var documentCount: Int { submissions.reduce(0) { $0 + $1.documents.count } }
}

/// What an import did.
public struct ImportReport: Sendable, Hashable {
    /// Submissions created by this run.
    public var submissionsCreated = 0
    /// Submissions moved into their manifest state (an `docket.import` event recorded).
    public var submissionsImported = 0
    /// Documents archived by this run.
    public var documentsAdded = 0
    /// Documents already in their submission (same SHA-256), from an earlier run.
    public var documentsAlreadyPresent = 0
    /// Rows skipped as invalid (`--skip-invalid`).
    public var rowsSkipped = 0
}
