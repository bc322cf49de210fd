import ArgumentParser
import DocketKit
import Foundation
import Glibc
import Workflow

/// `docket-bench mail-import`: `docket mail import` of a generated mbox, in messages per second,
/// against Python's `mailbox` + `email` reading the same file and against `addDocument` of the
/// same attachments, all measured in the same run and interleaved over the rounds.
struct MailImportBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mail-import",
        abstract: "Time 'docket mail import' of an mbox against Python's email parsing and document add.",
        discussion: """
            Generates (seeded) an mboxrd file of N messages of council correspondence — about half \
            multipart/mixed with one base64 attachment of 5 to 50 KB, some replies, some encoded-word \
            subjects, some naming a submission so they are filed — and a scratch archive with those \
            submissions. Then, each round, on a fresh copy of that archive: (a) 'docket mail import' \
            of the mbox, a whole process; (b) python3 reading the mbox with mailbox.mbox and parsing \
            every message with email.parser.BytesParser(policy=email.policy.default), walking every \
            part and decoding every payload (reading only); (c) addDocument, in this process, of the \
            same attachment files as correspondence documents (as 'docket-bench archive' does). \
            Prints medians over the rounds. Build release first (docket beside docket-bench).
            """)

    @Option(help: "Messages in the generated mbox.") var messages = 10_000
    @Option(help: "Rounds of each measurement, interleaved.") var rounds = 3
    @Option(help: "Submissions whose references some subjects name (so those messages are filed).")
    var submissions = 8
    @Option(
        help: """
            Attachments added to one submission in (c) before starting the next: each add re-reads \
            the submission's history, so one pack of thousands would measure that, not the add.
            """)
    var documentsPerSubmission = 100
    @Option(help: "Seed for the generated messages.") var seed: UInt64 = 20_261_201
    @Option(help: "The Python interpreter for the baseline (looked up on PATH).") var python = "python3"

    func validate() throws {
        guard messages >= 10, rounds >= 1, submissions >= 1, documentsPerSubmission >= 1 else {
            throw ValidationError("use at least --messages 10 --rounds 1 --submissions 1 --documents-per-submission 1")
        }
    }

    func run() throws {
        let docketBinary = try Machine.docketBesideThisProgram()
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("docket-mail-bench-\(getpid())")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { ArchiveWrites.removeTree(scratch.path) }
        log("scratch directory \(scratch.path)")

        // The template archive, copied afresh for every round so each import starts empty.
        let template = scratch.path + "/template"
        let distribution = try SyntheticArchive.distribution()
        let start = try Date.ISO8601FormatStyle().parse("2026-12-01T10:00:00Z")
        let archive = try DocketArchive.create(at: template, from: distribution, clock: { start })
        try archive.addUser("olivia", roles: [.officer])
        var references: [String] = []
        for number in 0..<submissions {
            references.append(
                try archive.newSubmission(
                    workflow: "best-value-submission", title: "Correspondence \(number + 1)", as: "olivia"))
        }

        let mbox = scratch.path + "/box.mbox"
        let attachmentDirectory = scratch.path + "/attachments"
        log("generating \(messages) messages")
        let corpus = try MailCorpus.generate(
            messages: messages, references: references, seed: seed, mbox: mbox, attachments: attachmentDirectory)
        log(
            String(
                format: "mbox: %.1f MB, %d attachments (%.1f MB decoded), %d naming a submission",
                Double(corpus.mboxBytes) / 1e6, corpus.attachments.count, Double(corpus.attachmentBytes) / 1e6,
                corpus.naming))
        // The interpreter itself, not a version manager's shim in front of it.
        let interpreter = try NotifyBenchmark.timed(
            "/usr/bin/env", [python, "-c", "import sys; print(sys.executable, sys.version.split()[0])"],
            environment: [:]
        ).output.split(separator: " ").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        guard interpreter.count == 2 else { throw BenchError("cannot run \(python)") }
        let script = scratch.path + "/parse.py"
        try Data(Self.pythonScript.utf8).write(to: URL(fileURLWithPath: script))

        let fsync = try ArchiveWrites.fsyncLatencies(in: scratch.path + "/floor", samples: 200, atomic: false)
        let atomic = try ArchiveWrites.fsyncLatencies(in: scratch.path + "/floor", samples: 200, atomic: true)

        var importTimes: [Double] = []
        var pythonTimes: [Double] = []
        var addTimes: [Double] = []
        var importSummary = ""
        for round in 1...rounds {
            // (a) docket mail import, a whole process, on a fresh copy of the template.
            let importArchive = scratch.path + "/import-\(round)"
            try Self.copyTree(template, to: importArchive)
            let imported = try NotifyBenchmark.timed(
                docketBinary, ["mail", "import", "--archive", importArchive, mbox], environment: [:])
            importTimes.append(imported.seconds)
            importSummary = imported.output.trimmingCharacters(in: .whitespacesAndNewlines)
            guard importSummary.hasPrefix("\(messages) archived") else {
                throw BenchError("the import did not archive every message: \(importSummary)")
            }
            log(String(format: "round %d: docket mail import %.2f s (%@)", round, imported.seconds, importSummary))
            ArchiveWrites.removeTree(importArchive)

            // (b) Python's mailbox + email, reading only.
            let parsed = try NotifyBenchmark.timed(interpreter[0], [script, mbox], environment: [:])
            pythonTimes.append(parsed.seconds)
            let counts = parsed.output.split(whereSeparator: \.isWhitespace).compactMap { Int($0) }
            guard counts.count == 2, counts[0] == messages, counts[1] == corpus.attachments.count else {
                throw BenchError("python read \(parsed.output); expected \(messages) \(corpus.attachments.count)")
            }
            log(String(format: "round %d: python mailbox + email %.2f s", round, parsed.seconds))

            // (c) the same attachments added as documents, in this process, on a fresh copy.
            let addArchive = scratch.path + "/add-\(round)"
            try Self.copyTree(template, to: addArchive)
            let adding = try DocketArchive(opening: addArchive)
            addTimes.append(try addAttachments(corpus.attachments, to: adding))
            log(String(format: "round %d: document add %.2f s", round, addTimes.last ?? 0))
            ArchiveWrites.removeTree(addArchive)
        }

        let importMedian = ArchiveWrites.median(importTimes)
        let pythonMedian = ArchiveWrites.median(pythonTimes)
        let addMedian = ArchiveWrites.median(addTimes)
        let importRate = Double(messages) / importMedian
        let pythonRate = Double(messages) / pythonMedian
        let addRate = Double(corpus.attachments.count) / addMedian
        print("")
        print(
            String(
                format: "Mail intake: %d messages (%.1f MB mbox), %d with an attachment (%.1f MB decoded), "
                    + "%d naming one of %d submissions; %d rounds, medians",
                messages, Double(corpus.mboxBytes) / 1e6, corpus.attachments.count,
                Double(corpus.attachmentBytes) / 1e6, corpus.naming, submissions, rounds))
        print("")
        print(ArchiveWrites.row("disk: 1 KB write + fsync", fsync))
        print(ArchiveWrites.row("disk: durable atomic write", atomic))
        print(
            String(
                format: "disk: %.0f fsyncs/s (1 / median of the 1 KB write + fsync)", 1 / ArchiveWrites.median(fsync)))
        print(
            String(
                format: "(a) docket mail import:        median %7.2f s  %8.1f messages/s   (%@)", importMedian,
                importRate, importSummary))
        print(
            String(
                format: "(b) python %@ mailbox + email: median %7.2f s  %8.1f messages/s", interpreter[1], pythonMedian,
                pythonRate))
        print(
            String(
                format: "(c) addDocument, attachments:  median %7.2f s  %8.1f documents/s (%d per submission)",
                addMedian, addRate, documentsPerSubmission))
        print(
            String(
                format: "import vs python: %.1fx the time (%.4f vs %.4f ms per message)", importMedian / pythonMedian,
                importMedian / Double(messages) * 1000, pythonMedian / Double(messages) * 1000))
        print(
            String(
                format: "import per message vs document add per attachment: %.2fx (%.2f vs %.2f ms)",
                (importMedian / Double(messages)) / (addMedian / Double(corpus.attachments.count)),
                importMedian / Double(messages) * 1000, addMedian / Double(corpus.attachments.count) * 1000))
        print(
            String(
                format: "import per message in fsyncs: %.1f (median import time per message / median fsync)",
                importMedian / Double(messages) / ArchiveWrites.median(fsync)))
        print(
            "rounds (s): import \(Self.list(importTimes)); python \(Self.list(pythonTimes)); add \(Self.list(addTimes))"
        )
        print(Machine.current(xmllint: "/usr/bin/xmllint").line)
    }

    /// Adds every attachment file as a correspondence document, `documentsPerSubmission` to a
    /// submission; the wall time of the adds alone (new submissions are made before timing).
    private func addAttachments(_ files: [String], to docket: DocketArchive) throws -> Double {
        var holders: [String] = []
        for number in 0..<(files.count + documentsPerSubmission - 1) / documentsPerSubmission {
            holders.append(
                try docket.newSubmission(
                    workflow: "best-value-submission", title: "Attachments \(number + 1)", as: "olivia"))
        }
        return try ArchiveWrites.time {
            for (index, file) in files.enumerated() {
                let content = Array(try Data(contentsOf: URL(fileURLWithPath: file)))
                try docket.addDocument(
                    to: holders[index / documentsPerSubmission], content: content,
                    description: DocumentDescription(
                        kind: .correspondence, title: "Attachment \(index + 1)", originalFileName: file),
                    as: "olivia")
            }
        }
    }

    /// Reads every message and every part, decoding each payload; prints the counts of messages
    /// and of parts with a file name, which the benchmark checks.
    static let pythonScript = """
        import email.policy, mailbox, sys
        from email.parser import BytesParser
        parser = BytesParser(policy=email.policy.default)
        box = mailbox.mbox(sys.argv[1], create=False)
        messages = attachments = 0
        for key in box.iterkeys():
            message = parser.parsebytes(box.get_bytes(key))
            messages += 1
            for name in ("From", "To", "Cc", "Subject", "Date", "Message-ID", "In-Reply-To"):
                message.get(name)
            for part in message.walk():
                if part.is_multipart():
                    continue
                part.get_payload(decode=True)
                if part.get_filename():
                    attachments += 1
        print(messages, attachments)
        """

    private func log(_ message: String) {
        FileHandle.standardError.write(Data("docket-bench: \(message)\n".utf8))
    }

    private static func list(_ values: [Double]) -> String {
        values.map { String(format: "%.2f", $0) }.joined(separator: ", ")
    }

    /// `cp -a`: the archive's read-only files copied with their modes.
    static func copyTree(_ source: String, to destination: String) throws {
        guard
            try PreparedCommand(executable: "/bin/cp", arguments: ["-a", source, destination], environment: [:]).run()
                == 0
        else { throw BenchError("cp -a \(source) \(destination) failed") }
    }
}

/// The generated mailbox: council correspondence in mboxrd form, and its attachments as files.
struct MailCorpus {
    var mboxBytes = 0
    var attachments: [String] = []
    var attachmentBytes = 0
    /// Messages whose subject names a submission.
    var naming = 0

    static let people = [
        ("Olivia Grant", "olivia.grant@council.example.gov.uk"), ("Clive Hart", "clive.hart@council.example.gov.uk"),
        ("Ada Okafor", "ada.okafor@council.example.gov.uk"), ("Mayor's Office", "mayor@council.example.gov.uk"),
        ("Best Value Commissioners", "commissioners@levellingup.example.gov.uk"),
        ("Priya Shah", "priya.shah@levellingup.example.gov.uk"), ("Tom Ellis", "tom.ellis@audit.example.org.uk"),
        ("Residents' Association", "secretary@residents.example.org"),
    ]
    static let topics = [
        "Best Value Plan progress", "Grants programme review", "Staffing restructure", "Property disposals",
        "Communications protocol", "Audit findings", "Housing allocations", "Electoral registration",
    ]
    /// Subjects in other scripts, sent as RFC 2047 encoded words.
    static let encodedSubjects = [
        "Réponse: commentaires sur le plan", "Stellungnahme zur Prüfung", "Consultation — résumé des réponses",
        "Grant application – Café Müller",
    ]

    /// Writes the mbox and one file per attachment (its decoded bytes).
    static func generate(messages: Int, references: [String], seed: UInt64, mbox: String, attachments: String)
        throws -> MailCorpus
    {
        try FileManager.default.createDirectory(atPath: attachments, withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: mbox, contents: nil)
        guard let output = FileHandle(forWritingAtPath: mbox) else { throw BenchError("cannot write \(mbox)") }
        defer { try? output.close() }
        var random = SplitMix64(seed: seed)
        var corpus = MailCorpus()
        var buffer: [UInt8] = []
        var messageIDs: [String] = []
        // Sent over about two months before the benchmark's clock, a few minutes apart.
        var sent = try Date.ISO8601FormatStyle().parse("2026-10-01T08:00:00Z")
        let headerDate = DateFormatter()
        headerDate.locale = Locale(identifier: "en_US_POSIX")
        headerDate.timeZone = TimeZone(identifier: "Europe/London")
        headerDate.dateFormat = "EEE, d MMM yyyy HH:mm:ss Z"
        let separatorDate = DateFormatter()
        separatorDate.locale = Locale(identifier: "en_US_POSIX")
        separatorDate.timeZone = TimeZone(identifier: "UTC")
        separatorDate.dateFormat = "EEE MMM d HH:mm:ss yyyy"
        for number in 0..<messages {
            sent += Double(60 + random.next() % 540)
            let sender = Int(random.next() % UInt64(people.count))
            let from = people[sender]
            let to = people[(sender + 1 + Int(random.next() % UInt64(people.count - 1))) % people.count]
            let messageID = "\(number + 1).\(random.next() % 1_000_000)@mail.council.example.gov.uk"
            var subject =
                "\(topics[Int(random.next() % UInt64(topics.count))]): \(Words.word(&random)) \(Words.word(&random))"
            if random.next() % 10 == 0 {
                subject = "\(references[Int(random.next() % UInt64(references.count))]) \(subject)"
                corpus.naming += 1
            }
            var headers = [
                "From: \(from.0) <\(from.1)>", "To: \(to.0) <\(to.1)>",
            ]
            if random.next() % 3 == 0 {
                let copied = people[Int(random.next() % UInt64(people.count))]
                headers.append("Cc: \(copied.0) <\(copied.1)>")
            }
            if random.next() % 25 == 0 {
                let text = encodedSubjects[Int(random.next() % UInt64(encodedSubjects.count))]
                headers.append("Subject: =?UTF-8?B?\(Data(text.utf8).base64EncodedString())?=")
            } else if !messageIDs.isEmpty && random.next() % 4 == 0 {
                let parent = messageIDs[messageIDs.count - 1 - Int(random.next() % UInt64(min(50, messageIDs.count)))]
                headers.append("Subject: Re: \(subject)")
                headers.append("In-Reply-To: <\(parent)>")
                headers.append("References: <\(parent)>")
            } else {
                headers.append("Subject: \(subject)")
            }
            headers.append("Date: \(headerDate.string(from: sent))")
            headers.append("Message-ID: <\(messageID)>")
            headers.append("MIME-Version: 1.0")
            messageIDs.append(messageID)

            // A few paragraphs; now and then a line beginning "From " (mboxrd quotes it).
            var body = Words.letter(kind: .correspondence, words: 60 + Int(random.next() % 240), random: &random)
            if random.next() % 20 == 0 { body = "From the Commissioners' side, a short note.\n\n" + body }
            body += "\(from.0)\n"

            var message = ""
            if random.next() % 2 == 0 {
                let pdf = random.next() % 2 == 0
                let size = 5_000 + Int(random.next() % 45_001)
                let content = attachment(number: number, size: size, pdf: pdf, random: &random)
                let name = pdf ? "report-\(number + 1).pdf" : "notes-\(number + 1).txt"
                let path = "\(attachments)/\(name)"
                try Data(content).write(to: URL(fileURLWithPath: path))
                corpus.attachments.append(path)
                corpus.attachmentBytes += content.count
                let boundary = "=_docket_bench_\(number + 1)_\(random.next() % 1_000_000)"
                headers.append("Content-Type: multipart/mixed; boundary=\"\(boundary)\"")
                message = headers.joined(separator: "\n") + "\n\nThis is a multipart message in MIME format.\n"
                message += "\n--\(boundary)\nContent-Type: text/plain; charset=us-ascii\n"
                message += "Content-Transfer-Encoding: 7bit\n\n\(body)"
                message += "\n--\(boundary)\n"
                message +=
                    "Content-Type: \(pdf ? "application/pdf" : "text/plain; charset=us-ascii"); name=\"\(name)\"\n"
                message += "Content-Disposition: attachment; filename=\"\(name)\"\n"
                message += "Content-Transfer-Encoding: base64\n\n"
                message += Data(content).base64EncodedString(options: [.lineLength76Characters, .endLineWithLineFeed])
                message += "\n--\(boundary)--\n"
            } else {
                headers.append("Content-Type: text/plain; charset=us-ascii")
                headers.append("Content-Transfer-Encoding: 7bit")
                message = headers.joined(separator: "\n") + "\n\n" + body
            }
            buffer += Array("From \(from.1) \(separatorDate.string(from: sent))\n".utf8)
            buffer += mboxrdQuoted(Array(message.utf8))
            buffer += Array("\n".utf8)
            if buffer.count > 1 << 22 {
                output.write(Data(buffer))
                corpus.mboxBytes += buffer.count
                buffer.removeAll(keepingCapacity: true)
            }
        }
        output.write(Data(buffer))
        corpus.mboxBytes += buffer.count
        return corpus
    }

    /// mboxrd quoting: every line matching `^>*From ` gets one more `>`.
    static func mboxrdQuoted(_ message: [UInt8]) -> [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(message.count + 16)
        let from = Array("From ".utf8)
        var lineStart = true
        var index = 0
        while index < message.count {
            if lineStart {
                var probe = index
                while probe < message.count && message[probe] == UInt8(ascii: ">") { probe += 1 }
                if probe + from.count <= message.count && Array(message[probe..<probe + from.count]) == from {
                    result.append(UInt8(ascii: ">"))
                }
            }
            let byte = message[index]
            result.append(byte)
            lineStart = byte == UInt8(ascii: "\n")
            index += 1
        }
        // An mbox message ends with a line break before the separator's empty line.
        if result.last != UInt8(ascii: "\n") { result += Array("\n".utf8) }
        return result
    }

    /// About 200 KB of letters in the benchmark vocabulary, generated once from a fixed seed.
    static let textPool: [UInt8] = {
        var random = SplitMix64(seed: 16)
        var text = ""
        while text.utf8.count < 200_000 { text += Words.letter(kind: .correspondence, words: 400, random: &random) }
        return Array(text.utf8)
    }()

    /// An attachment of `size` bytes: a PDF-like file (header, a text stream, trailer) or a
    /// plain-text note, its first line unique so every attachment has its own SHA-256.
    static func attachment(number: Int, size: Int, pdf: Bool, random: inout SplitMix64) -> [UInt8] {
        var text = pdf ? "%PDF-1.4\n%\u{E2}\u{E3}\u{CF}\u{D3}\n1 0 obj << /Length \(size) >> stream\n" : ""
        text += "Attachment \(number + 1) (\(random.next()))\n"
        var bytes = Array(text.utf8)
        let trailer = Array((pdf ? "\nendstream endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n" : "\n").utf8)
        // Words from a shared pool of letters, from a random place in it: text-like content at
        // the speed of copying (the unique first line keeps every attachment's SHA-256 its own).
        var offset = Int(random.next() % UInt64(textPool.count))
        while bytes.count < size - trailer.count {
            let take = min(size - trailer.count - bytes.count, textPool.count - offset)
            bytes += textPool[offset..<offset + take]
            offset = 0
        }
        return bytes + trailer
    }
}
