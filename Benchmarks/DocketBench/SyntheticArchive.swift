import Archive
import DocketKit
import Foundation
import Workflow

/// Builds a synthetic archive of realistic submissions at a chosen scale: each submission walks
/// the Best Value workflow some way (its events hash-chained exactly as Docket writes them),
/// with a submission document, a cover letter, annexes, responses and correspondence whose
/// text reads like council letters (a Zipf-distributed vocabulary of council words and a long
/// tail), at letter-like lengths.
///
/// Files are written with `UnsyncedArchiveWriter` (no fsync): the point is to have an archive
/// to read, not to measure writing one.
struct SyntheticArchive {
    let path: String
    let documents: Int
    let seed: UInt64

    /// Documents per submission on average (so 1,000,000 documents is about 125,000 submissions).
    static let documentsPerSubmission = 8

    var submissionCount: Int { max(1, documents / Self.documentsPerSubmission) }

    /// Creates the archive (which must not exist) and fills it; reports progress per 1,000 submissions.
    func generate(progress: @Sendable (Int, Int) -> Void) throws {
        let docket = try DocketArchive.create(at: path, from: try Self.distribution())
        for (name, role) in [("olivia", Role.officer), ("mayor", .mayor), ("clive", .clerk), ("ada", .admin)] {
            try docket.addUser(name, roles: [role])
        }
        let (definition, bytes) = try docket.workflow(named: "best-value-submission")
        try docket.store.pinWorkflow(bytes, digest: definition.digest)
        let writer = UnsyncedArchiveWriter(store: docket.store)
        let total = submissionCount
        let failures = FailureBox()
        let chunk = 1_000
        DispatchQueue.concurrentPerform(iterations: (total + chunk - 1) / chunk) { block in
            do {
                for number in (block * chunk)..<min(total, (block + 1) * chunk) {
                    var builder = SubmissionBuilder(
                        number: number, total: total, writer: writer, definition: definition,
                        random: SplitMix64(seed: seed &+ UInt64(number) &* 0x9E37_79B9))
                    try builder.build()
                }
                progress(min(total, (block + 1) * chunk), total)
            } catch {
                failures.record(error)
            }
        }
        if let failure = failures.first { throw BenchError("generating the archive failed: \(failure)") }
    }

    static func distribution() throws -> Distribution {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
        return Distribution(root: root)
    }
}

/// One submission's files, in the order Docket would have written them.
private struct SubmissionBuilder {
    let number: Int
    let total: Int
    let writer: UnsyncedArchiveWriter
    let definition: WorkflowDefinition
    var random: SplitMix64

    static let series = ["bvp", "grants", "hr", "property", "elections", "corr", "audit", "housing"]
    static let services = [
        "Corporate Strategy and Equality", "Governance", "Resources", "Place", "Children's Services",
        "Health, Adults and Community",
    ]
    static let people = [
        "John Biggs (London Borough of Tower Hamlets)", "Max Caller (Commissioners)", "Sir Ken Knight (Commissioners)",
        "Chris Allison (Commissioners)", "Will Tuckley (London Borough of Tower Hamlets)",
        "Zena Cooke (London Borough of Tower Hamlets)", "Graham White (London Borough of Tower Hamlets)",
        "(Department for Communities and Local Government)", "(Secretary of State)", "(Residents' Association)",
        "(Audit Commission)", "(Electoral Commission)",
    ]

    mutating func build() throws {
        // Spread over 2014-2026 in reference order, so newer references are newer documents.
        let start = Date(timeIntervalSince1970: 1_388_534_400)  // 2014-01-01
        let span: TimeInterval = 13 * 365 * 86_400
        var time = start + span * Double(number) / Double(max(1, total))
        let year = Calendar(identifier: .gregorian).component(.year, from: time)
        let series = Self.series[number % Self.series.count]
        let reference = "\(series.uppercased())-\(year)-\(String(format: "%06d", number))"
        let stamp = { (user: String, role: Role) in ActorStamp(user: user, role: role, systemUser: "bench") }
        let record = SubmissionRecord(
            reference: reference,
            title: "\(Self.titleSubject(&random)): \(Words.ordinal(number % 12 + 1)) update",
            series: series, service: Self.services[Int(random.next() % UInt64(Self.services.count))],
            workflowName: definition.name, workflowDigest: definition.digest, created: time,
            createdBy: stamp("olivia", .officer))
        var previous = try writer.writeSubmission(record)
        var sequence = 0
        var pack: [PackDocument] = []
        var coverLetter: String?

        func append(_ body: StoredEvent.Body, _ actor: ActorStamp) throws {
            sequence += 1
            time += Double(random.next() % 86_400) + 3_600
            previous = try writer.writeEvent(
                StoredEvent(
                    sequence: sequence, submission: reference, time: time, actor: actor, previous: previous,
                    body: body))
        }
        func add(_ kind: DocumentKind, annex: String? = nil, relations: [Relation] = []) throws -> String {
            let (words, fileExtension) = Self.shape(of: kind, &random)
            let text = Words.letter(kind: kind, words: words, random: &random)
            let content = Array((fileExtension == "html" ? Words.html(text) : text).utf8)
            let sha = ArchiveStore.sha256(content)
            let date = CalendarDate(year: year, month: Int(random.next() % 12) + 1, day: Int(random.next() % 28) + 1)
            let creator = Party(parsing: Self.people[Int(random.next() % UInt64(Self.people.count))])
            let addressee = Party(parsing: Self.people[Int(random.next() % UInt64(Self.people.count))])
            let metadata = DocumentMetadata(
                sha256: sha, submission: reference, title: Words.title(kind: kind, random: &random), kind: kind,
                date: date, creator: creator, addressees: addressee.map { [$0] } ?? [],
                direction: kind == .response ? .incoming : .outgoing, annex: annex,
                format: fileExtension == "html" ? "text/html" : "text/plain", size: content.count,
                originalFileName: "\(kind.rawValue)-\(number).\(fileExtension)", storedAs: "\(sha).\(fileExtension)",
                description: nil, protectiveMarking: "OFFICIAL", relations: relations, added: time,
                addedBy: stamp("olivia", .officer))
            let metadataSHA = try writer.writeDocument(content, metadata: metadata)
            try append(
                .documentAdded(metadata.packEntry, metadataSHA256: metadataSHA, replaces: nil),
                stamp("olivia", .officer))
            pack.append(metadata.packEntry)
            return sha
        }
        func fire(
            _ event: String, _ from: String, _ to: String, _ user: String, _ role: Role, fields: [String: String] = [:]
        )
            throws
        {
            let binds = event == "sign-off" || event == "dispatch"
            try append(
                .transition(
                    StoredEvent.TransitionBody(
                        name: event, from: from, to: to, workflowName: definition.name,
                        workflowDigest: definition.digest, comment: nil, fields: fields,
                        documents: binds ? pack.sorted() : [])), stamp(user, role))
        }

        // About 8 documents on average: submission, cover letter, 0-6 annexes, response, 0-5 letters.
        let stage = Int(random.next() % 7)
        _ = try add(.submission, annex: "A")
        coverLetter = try add(.coverLetter)
        for label in ["C", "D", "E", "F", "G", "H"].prefix(Int(random.next() % 7)) { _ = try add(.annex, annex: label) }
        if stage >= 1 { try fire("submit-for-sign-off", "drafting", "awaiting-sign-off", "olivia", .officer) }
        if stage >= 2 { try fire("sign-off", "awaiting-sign-off", "signed-off", "mayor", .mayor) }
        if stage >= 3 {
            try fire(
                "dispatch", "signed-off", "dispatched", "olivia", .officer,
                fields: [WorkflowField.dispatchedOn: "\(year)-09-20"])
        }
        if stage >= 4 {
            _ = try add(
                .response, annex: "B", relations: coverLetter.map { [Relation(kind: .replyTo, target: $0)] } ?? [])
            try fire(
                "record-response", "dispatched", "response-received", "olivia", .officer,
                fields: [WorkflowField.receivedOn: "\(year)-10-05"])
        }
        if stage >= 5 {
            try fire(
                "schedule-for-board", "response-received", "scheduled-for-board", "clive", .clerk,
                fields: [WorkflowField.meeting: "BVPB-\(year)-10-19"])
        }
        if stage >= 6 {
            try fire(
                "record-outcome", "scheduled-for-board", "considered", "clive", .clerk, fields: ["outcome": "Noted"])
        }
        for _ in 0..<Int(random.next() % 6) { _ = try add(.correspondence) }
        try writer.writeHead(reference, sequence: sequence, sha256: previous)
    }

    static func titleSubject(_ random: inout SplitMix64) -> String {
        let subjects = [
            "Best Value Plan", "Grants programme", "Governance review", "Electoral registration", "Property disposals",
            "Communications protocol", "Staffing restructure", "Audit findings", "Housing allocations",
        ]
        return subjects[Int(random.next() % UInt64(subjects.count))]
    }

    /// Word count and file type by kind: letters are a page or two, submissions and annexes longer.
    static func shape(of kind: DocumentKind, _ random: inout SplitMix64) -> (Int, String) {
        let words: Int
        switch kind {
        case .submission, .annex, .boardReport: words = 300 + Int(random.next() % 900)
        default: words = 120 + Int(random.next() % 380)
        }
        return (words, random.next() % 10 == 0 ? "html" : "txt")
    }
}

extension SplitMix64 {
    /// Uniform in 0..<1.
    mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
}
