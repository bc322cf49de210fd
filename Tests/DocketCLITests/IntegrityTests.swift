import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Integrity under faults, through real `docket` processes on a real archive: writers that
/// race, a caller with a stale view, processes killed mid-write, and archives tampered with
/// afterwards. docs/architecture.md promises that the archive is the system of record: no-replace event
/// creation gives one winner per race, a crash leaves at worst harmless leftovers, and
/// `docket verify` names every file that was changed behind its back.
///
/// Serialized: the race tests count real overlaps between two processes, which the suite's
/// other tests would otherwise compete with for the two cores.
@Suite(.serialized) struct IntegrityTests {
    // MARK: - Racing writers

    /// Two processes fire `submit-for-sign-off` as the officer at once, then two fire
    /// `return-for-redraft` as the mayor, thirty times over: each race has one winner, and the
    /// loser (a conflict, or a refusal if it read the state after the winner wrote) leaves
    /// nothing behind.
    ///
    /// Whether a race really overlaps (exit 3) or the loser starts late (exit 1) is up to the
    /// scheduler; both must hold the invariant. Started together from here, about two races
    /// in three overlap on two cores, so sixty races with no conflict at all would mean the
    /// test no longer races. The counts are printed.
    @Test func racingFiresRecordExactlyOneEventPerRace() throws {
        let archive = try ScratchArchive("race-fire")
        defer { archive.remove() }
        let reference = try archive.startSubmission()
        try archive.addSubmissionPack(reference)

        var tally = RaceTally()
        for round in 1...30 {
            tally.add(
                try raceFires(
                    archive, reference, event: "submit-for-sign-off", as: "olivia", comments: nil,
                    leadingTo: "awaiting-sign-off"))
            tally.add(
                try raceFires(
                    archive, reference, event: "return-for-redraft", as: "mayor",
                    comments: [
                        "round \(round): redraft asked by the first", "round \(round): redraft asked by the second",
                    ],
                    leadingTo: "drafting"))
        }
        print("IntegrityTests racing fires: \(tally)")
        #expect(tally.conflicts + tally.refusals == 60, "every race had exactly one loser: \(tally)")
        #expect(tally.conflicts > 0, "no race overlapped: \(tally)")
        let shown = try archive.show(reference)
        #expect(shown.transitions.count == 60)
        #expect(shown.state == "drafting")
    }

    /// Two officers add different 1 MiB files at once, thirty times. `document add` holds the
    /// submission's lock from reading the chain to linking its event, so the two are
    /// serialised: both succeed, with one event each. (A conflict, exit 3, would still be
    /// correct if one lost, as long as its document stays out of the pack.)
    ///
    /// Both succeeding proves nothing if one ran after the other had finished, so each round
    /// watches /proc/locks for one writer waiting on the lock the other holds (or a conflict):
    /// enough rounds must show that the two really overlapped.
    @Test func racingDocumentAddsRecordOneEventPerWinner() throws {
        let archive = try ScratchArchive("race-add")
        defer { archive.remove() }
        let reference = try archive.startSubmission()

        var conflicts = 0
        var bothWon = 0
        var overlapped = 0
        for round in 1...30 {
            let before = archive.eventFiles(reference)
            let sides = ["first", "second"]
            let titles = sides.map { "Race \(round), \($0) officer's annex" }
            let commands = try sides.indices.map { index in
                // Unique head, bulky tail: distinct SHA-256s, and writing takes a while.
                let content = Data("round \(round) \(sides[index])\n".utf8) + Data(repeating: 0x2E, count: 1 << 20)
                let file = try archive.write(content, to: "race-\(round)-\(sides[index]).txt")
                return try archive.start([
                    "document", "add", reference, file, "--kind", "annex", "--title", titles[index], "--as", "olivia",
                ])
            }
            let sawWaiter = LockWatch.seesOneWaiting(commands)
            let outcomes = try commands.map { try $0.wait().outcome }
            if sawWaiter || outcomes.contains(where: { $0.status == 3 }) { overlapped += 1 }

            var winners: [Int] = []
            for (index, outcome) in outcomes.enumerated() {
                switch outcome.status {
                case 0:
                    winners.append(index)
                    #expect(Self.isSHA256(outcome.trimmedOutput), "round \(round): printed \(outcome.standardOutput)")
                case 3:
                    conflicts += 1
                    #expect(outcome.standardError.contains("conflict"), "round \(round): \(outcome.standardError)")
                default:
                    Issue.record("round \(round): status \(outcome.status): \(outcome.standardError)")
                }
            }
            #expect(!winners.isEmpty, "round \(round): nobody won")
            if winners.count == 2 { bothWon += 1 }

            let after = archive.eventFiles(reference)
            #expect(after.count == before.count + winners.count, "round \(round): \(before) -> \(after)")
            #expect(Array(after.prefix(before.count)) == before, "round \(round): an earlier event file changed name")
            #expect(archive.temporaryFiles(in: archive.eventsDirectory(reference)).isEmpty)
            let shown = try archive.show(reference)
            for index in sides.indices {
                let inPack = shown.documents.contains { $0.title == titles[index] }
                #expect(inPack == winners.contains(index), "round \(round): \(titles[index]) in pack: \(inPack)")
            }
            for index in winners {
                #expect(shown.documents.contains { $0.sha256 == outcomes[index].trimmedOutput })
            }
            try expectVerifies(archive, "round \(round)")
        }
        print(
            "IntegrityTests racing document adds: \(conflicts) conflicts, \(bothWon) rounds both won, "
                + "\(overlapped) rounds seen to overlap (a writer waiting on the other's lock, or a conflict)")
        #expect(bothWon == 30 - conflicts, "every round without a conflict has two winners")
        let overlapMessage =
            "only \(overlapped) of 30 rounds were seen to overlap: the writers ran one after the other, "
            + "so the lock was not tested"
        #expect(overlapped >= 10, "\(overlapMessage)")
    }

    /// Two officers add the same file at once with different titles and kinds. One event
    /// cites it; the document's metadata must be the winner's, as that event records it.
    @Test
    func racingAddsOfTheSameFileKeepTheWinnersMetadata() throws {
        let archive = try ScratchArchive("race-same")
        defer { archive.remove() }
        let reference = try archive.startSubmission()

        for round in 1...10 {
            let content = Data("round \(round), one file\n".utf8) + Data(repeating: 0x2E, count: 1 << 20)
            let file = try archive.write(content, to: "same-\(round).txt")
            let descriptions = [("annex", "Round \(round) as an annex"), ("response", "Round \(round) as a response")]
            let commands = try descriptions.map { kind, title in
                try archive.start([
                    "document", "add", reference, file, "--kind", kind, "--title", title, "--as", "olivia",
                ])
            }
            let outcomes = try commands.map { try $0.wait().outcome }
            let winners = outcomes.indices.filter { outcomes[$0].status == 0 }
            try #require(winners.count == 1, "round \(round): \(outcomes.map(\.standardError))")
            let winner = winners[0]
            let loser = outcomes[1 - winner]
            #expect(
                loser.status == 3 || loser.standardError.contains("already in"),
                "round \(round): \(loser.standardError)")

            let shown = try archive.show(reference)
            let document = try #require(shown.documents.first { $0.sha256 == outcomes[winner].trimmedOutput })
            #expect(
                document.kind == descriptions[winner].0 && document.title == descriptions[winner].1,
                "round \(round): the pack shows the loser's metadata (\(document.kind), \(document.title))")
            try expectVerifies(archive, "round \(round)")
        }
    }

    // MARK: - Stale callers

    /// `--expect-seq` is the caller saying which event it last saw: a stale or invented number
    /// is a conflict (exit 3) and not a byte of the submission changes.
    @Test func staleExpectSeqIsRefusedAndWritesNothing() throws {
        let archive = try ScratchArchive("expect-seq")
        defer { archive.remove() }
        let reference = try archive.startSubmission()
        try archive.addSubmissionPack(reference)  // events 1 and 2

        var before = try archive.snapshot(reference)
        for stale in ["0", "1", "3", "99"] {
            let outcome = try archive.run([
                "submission", "fire", reference, "submit-for-sign-off", "--as", "olivia", "--expect-seq", stale,
            ])
            #expect(outcome.status == 3, "--expect-seq \(stale): \(outcome.standardError)")
            #expect(outcome.standardError.contains("has 2 events, not \(stale)"), "\(outcome.standardError)")
            #expect(outcome.standardOutput.isEmpty)
            #expect(try archive.snapshot(reference) == before, "--expect-seq \(stale) changed the submission")
        }

        #expect(
            try archive.ok(
                "submission", "fire", reference, "submit-for-sign-off", "--as", "olivia", "--expect-seq", "2")
                == "awaiting-sign-off")
        #expect(archive.eventFiles(reference).count == 3)

        // The mayor's view was taken before the sign-off request: stale now.
        before = try archive.snapshot(reference)
        let stale = try archive.run([
            "submission", "fire", reference, "return-for-redraft", "--comment", "stale view", "--as", "mayor",
            "--expect-seq", "2",
        ])
        #expect(stale.status == 3, "\(stale.standardError)")
        #expect(try archive.snapshot(reference) == before)
        #expect(try archive.show(reference).state == "awaiting-sign-off")
        try expectVerifies(archive, "after stale callers")
    }

    // MARK: - Killed writers

    /// A loop of document adds and fires, each child killed with SIGKILL at a seeded random
    /// moment: whatever moment a kill lands on, `verify` passes at once (leftovers are notes),
    /// every change that was acknowledged (exit 0 and its output printed) is in the archive,
    /// and the next command works.
    ///
    /// Where each kill landed is told from the archive afterwards (`KillLanding`) and printed;
    /// at least 20 must have landed between a command's first write and its last, or the loop
    /// did not test interrupted writes at all.
    @Test func killedWritersLeaveAVerifiableArchiveWithEveryAcknowledgedChange() throws {
        let archive = try ScratchArchive("kill")
        defer { archive.remove() }
        let reference = try archive.startSubmission()
        try archive.addSubmissionPack(reference)

        var random = SeededGenerator(seed: 0x00D0_C4E7)
        var state = "drafting"
        var acknowledgedDocuments: [String] = []
        var acknowledgedComments: [String] = []
        var acknowledgedTransitions = 0
        var kills = 0
        var killedAfterCommitting = 0
        /// Where each kill landed, told from what the archive held afterwards.
        var landings: [KillLanding: Int] = [:]
        var completed = 0
        var headsOneBehind = 0
        var headsTwoBehind = 0
        /// How long each kind of command took when last left to finish, in milliseconds.
        var typicalMilliseconds: [KillLoopAction: Double] = [:]
        /// A document whose add was killed before its event: the next add retries it, as a
        /// user would, which takes the path where the content is already stored.
        var retryFile: String?

        for step in 1...200 {
            let roll = Int.random(in: 0..<10, using: &random)
            let action: KillLoopAction =
                state == "drafting"
                ? (roll < 5 ? .addDocument : .submitForSignOff)
                : (roll < 3 ? .addDocument : .returnForRedraft)
            let comment = "kill loop step \(step)"
            var addedFile: String?
            let arguments: [String]
            switch action {
            case .addDocument:
                // A unique head and a bulky binary tail (no text to extract): storing it takes a
                // while, so kills can land between writing the content and linking the event.
                let file =
                    try retryFile
                    ?? archive.write(
                        Data("Kill-loop annex \(step)\n".utf8) + Data(repeating: 0xA5, count: 256 << 10),
                        to: "kill-\(step).bin")
                addedFile = file
                arguments = [
                    "document", "add", reference, file, "--kind", "annex", "--title", "Annex \(step)", "--as", "olivia",
                ]
            case .submitForSignOff:
                arguments = ["submission", "fire", reference, "submit-for-sign-off", "--as", "olivia"]
            case .returnForRedraft:
                arguments = [
                    "submission", "fire", reference, "return-for-redraft", "--comment", comment, "--as", "mayor",
                ]
            }
            // Most of a command's time is start-up and reading the chain, then updating the index
            // after its last write; the writes themselves take a few milliseconds, at a moment
            // that timing alone cannot find on a busy machine. So one step in six is left alone
            // (the history keeps growing); of the rest, about half are killed at 50–105 % of
            // the time this kind of command last took (anywhere: before, during or after the
            // writes), and half as soon as its first write shows in the submission's folders,
            // give or take a couple of milliseconds, to land between its first write and its last
            // on a fast machine or a slow one.
            let timing: KillTiming =
                switch Int.random(in: 0..<12, using: &random) {
                case 0..<2: .none
                case 2..<7:
                    .afterDelay(
                        milliseconds: Double.random(in: 0.5...1.05, using: &random)
                            * (typicalMilliseconds[action] ?? 50))
                default: .atFirstWrite(extraMicroseconds: UInt32.random(in: 0...2_000, using: &random))
                }
            let sequenceBefore = archive.eventFiles(reference).count
            let filesBefore = archive.fileNames(reference)
            let watched = [archive.eventsDirectory(reference), "\(archive.submissionDirectory(reference))/documents"]
            let watchedBefore = watched.map(archive.names(in:))

            let started = Date()
            let child = try archive.start(arguments)
            switch timing {
            case .none:
                break
            case .afterDelay(let milliseconds):
                usleep(UInt32(milliseconds * 1000))
                child.kill()
            case .atFirstWrite(let extra):
                let deadline = Date().addingTimeInterval(60)
                while child.isRunning && watched.map(archive.names(in:)) == watchedBefore && Date() < deadline {
                    usleep(100)
                }
                usleep(extra)
                child.kill()
            }
            let completion = try child.wait()
            if !completion.wasKilled {
                typicalMilliseconds[action] = Date().timeIntervalSince(started) * 1000
            }

            if completion.wasKilled {
                kills += 1
                // The archive must still answer, and tells whether the killed change committed.
                let shown = try archive.show(reference)
                state = shown.state
                let committed = shown.sequence > sequenceBefore
                if committed { killedAfterCommitting += 1 }
                // Right after the kill, before a later write repairs the head: what is left
                // must verify too, with leftovers reported as notes.
                let verify = try archive.verify()
                let headLag = shown.sequence - (try archive.headSequence(reference))
                if committed && headLag == 1 { headsOneBehind += 1 }
                let landing: KillLanding =
                    committed
                    ? (headLag > 0 ? .eventLinkedHeadBehind : .afterTheLastWrite)
                    : (archive.fileNames(reference).subtracting(filesBefore).isEmpty
                        ? .beforeAnyWrite : .filesWrittenNoEvent)
                landings[landing, default: 0] += 1
                // Two kills in a row between an event's link and its head update leave the head
                // two behind; see `twoWritesKilledBeforeTheHeadUpdateStillVerify`.
                if headLag >= 2 { headsTwoBehind += 1 }
                #expect(verify.status == 0, "step \(step), killed \(arguments):\n\(verify.standardOutput)")
                retryFile = action == .addDocument && !committed ? addedFile : nil
                continue
            }
            retryFile = nil
            // Every command that ran to its end must have worked: the state is known, each file
            // is new to the pack, so a refusal here means a kill left the archive wedged.
            let outcome = completion.outcome
            #expect(outcome.status == 0, "step \(step) \(arguments): \(outcome.standardError)")
            guard outcome.status == 0 else {
                state = try archive.show(reference).state
                continue
            }
            completed += 1
            switch action {
            case .addDocument:
                #expect(Self.isSHA256(outcome.trimmedOutput), "step \(step): printed \(outcome.standardOutput)")
                acknowledgedDocuments.append(outcome.trimmedOutput)
            case .submitForSignOff:
                #expect(outcome.trimmedOutput == "awaiting-sign-off")
                acknowledgedTransitions += 1
                state = outcome.trimmedOutput
            case .returnForRedraft:
                #expect(outcome.trimmedOutput == "drafting")
                acknowledgedTransitions += 1
                acknowledgedComments.append(comment)
                state = outcome.trimmedOutput
            }
        }

        // One more change with no kill: the loop can always go on.
        let last = try archive.write("After the kills\n", to: "kill-last.txt")
        let lastSHA = try archive.ok(
            "document", "add", reference, last, "--kind", "annex", "--title", "Last", "--as", "olivia")
        acknowledgedDocuments.append(lastSHA)

        let verify = try archive.verify()
        #expect(verify.status == 0, "verify after the kills:\n\(verify.standardOutput)\(verify.standardError)")
        #expect(!verify.standardOutput.contains("problem:"), "\(verify.standardOutput)")
        let notes = verify.standardOutput.split(separator: "\n").filter { $0.hasPrefix("note:") }

        let shown = try archive.show(reference)
        let recorded = Set(shown.documents.map(\.sha256))
        for sha in acknowledgedDocuments {
            #expect(recorded.contains(sha), "acknowledged document \(sha) is not in the pack")
        }
        #expect(acknowledgedTransitions <= shown.transitions.count)
        for comment in acknowledgedComments {
            #expect(shown.transitions.contains { $0.comment == comment }, "acknowledged '\(comment)' is missing")
        }
        #expect(shown.sequence == archive.eventFiles(reference).count)
        #expect(kills >= 10, "only \(kills) kills: the test did not exercise interrupted writes")
        // Kills that landed before the first write or after the last prove nothing about
        // interrupted writes: enough must have landed between them.
        let midWrite = KillLanding.allCases.filter(\.isMidWrite).reduce(0) { $0 + landings[$1, default: 0] }
        let distribution = KillLanding.allCases.map { "\(landings[$0, default: 0]) \($0.rawValue)" }
        print("IntegrityTests kill loop, where the kills landed: \(distribution.joined(separator: ", "))")
        let landingMessage =
            "only \(midWrite) of \(kills) kills landed between a command's first write and its last: "
            + distribution.joined(separator: ", ")
        #expect(midWrite >= 20, "\(landingMessage)")
        print(
            "IntegrityTests kill loop: \(kills) kills (\(killedAfterCommitting) after the event was written), "
                + "\(completed) completed, \(acknowledgedDocuments.count) documents and \(acknowledgedTransitions) "
                + "transitions acknowledged, \(shown.events.count) events recorded; leftover notes: "
                + "\(notes.filter { $0.contains("temporary file") }.count) temporary files, "
                + "\(notes.filter { $0.contains("not cited") }.count) uncited document files"
                + "; \(headsOneBehind) kills left the head one event behind, \(headsTwoBehind) verifies found it "
                + "two or more behind")
    }

    /// The state a kill between an event's link and its head update leaves, made on purpose:
    /// `verify` reports the head one event behind as a note, and the next write repairs it.
    @Test func aWriteKilledBeforeTheHeadUpdateIsANoteAndTheNextWriteRepairsIt() throws {
        let archive = try ScratchArchive("head-behind")
        defer { archive.remove() }
        let reference = try archive.startSubmission()
        try archive.addSubmissionPack(reference)
        let head = "submissions/\(reference)/head.xml"
        let headBefore = try archive.read(head)

        try archive.ok("submission", "fire", reference, "submit-for-sign-off", "--as", "olivia")
        try archive.change(head) { $0 = headBefore }  // as if killed after link(2), before the head
        let behind = try archive.verify()
        #expect(behind.status == 0, "\(behind.standardOutput)")
        #expect(behind.standardOutput.contains("head.xml: one event behind"), "\(behind.standardOutput)")

        try archive.ok("submission", "fire", reference, "return-for-redraft", "--comment", "again", "--as", "mayor")
        #expect(try archive.headSequence(reference) == 4)
        let repaired = try archive.verify()
        #expect(repaired.status == 0)
        #expect(!repaired.standardOutput.contains("head.xml"), "\(repaired.standardOutput)")
    }

    /// Two writes in a row each killed after linking its event and before updating the head
    /// (the kill loop meets this now and then) leave the head two events behind. Nothing was
    /// tampered with, so `verify` must pass, with notes.
    @Test
    func twoWritesKilledBeforeTheHeadUpdateStillVerify() throws {
        let archive = try ScratchArchive("head-two-behind")
        defer { archive.remove() }
        let reference = try archive.startSubmission()
        try archive.addSubmissionPack(reference)
        let head = "submissions/\(reference)/head.xml"
        let headBefore = try archive.read(head)

        try archive.ok("submission", "fire", reference, "submit-for-sign-off", "--as", "olivia")
        try archive.change(head) { $0 = headBefore }
        try archive.ok("submission", "fire", reference, "return-for-redraft", "--comment", "again", "--as", "mayor")
        try archive.change(head) { $0 = headBefore }
        #expect(try archive.headSequence(reference) == 2)
        #expect(archive.eventFiles(reference).count == 4)

        let verify = try archive.verify()
        #expect(verify.status == 0, "\(verify.standardOutput)")
        #expect(!verify.standardOutput.contains("problem:"), "\(verify.standardOutput)")
    }

    // MARK: - Tampering

    /// A small archive, then one copy per kind of tampering: `verify` fails (exit 1) on each
    /// copy with a finding that names the file concerned and what is wrong with it.
    @Test func verifyNamesEachTamperedFile() throws {
        let base = try ScratchArchive("tamper")
        defer { base.remove() }
        let reference = try base.startSubmission()
        // 000001 and 000002 add documents A and B; 000003 asks for sign-off and 000004 returns
        // the draft ("first comment"); 000005 adds C; 000006 asks again, 000007 returns it again.
        let shaA = try base.ok(
            "document", "add", reference, try base.write("Submission text", to: "a.txt"), "--kind", "submission",
            "--title", "Submission", "--as", "olivia")
        let shaB = try base.ok(
            "document", "add", reference, try base.write("Cover letter text", to: "b.txt"), "--kind", "cover-letter",
            "--title", "Cover letter", "--as", "olivia")
        try base.ok("submission", "fire", reference, "submit-for-sign-off", "--as", "olivia")
        try base.ok(
            "submission", "fire", reference, "return-for-redraft", "--comment", "first comment", "--as", "mayor")
        try base.ok(
            "document", "add", reference, try base.write("Annex text", to: "c.txt"), "--kind", "annex",
            "--title", "Annex", "--as", "olivia")
        try base.ok("submission", "fire", reference, "submit-for-sign-off", "--as", "olivia")
        try base.ok(
            "submission", "fire", reference, "return-for-redraft", "--comment", "second comment", "--as", "mayor")
        #expect(base.eventFiles(reference).count == 7)
        try expectVerifies(base, "untampered original")

        let events = "submissions/\(reference)/events"
        let documents = "submissions/\(reference)/documents"

        // The control: a copy nobody touched verifies, so copying alone changes nothing.
        let untouched = try base.copy(as: "untouched")
        try expectVerifies(untouched, "untampered copy")

        try expectTamperCaught("document-byte", base, naming: "\(shaB).txt", as: ["content changed"]) {
            try $0.change("\(documents)/\(shaB).txt") { $0[0] ^= 0x01 }
        }
        try expectTamperCaught("comment-edited", base, naming: "000005.xml", as: ["hash chain", "000004.xml"]) {
            try $0.replace(
                "<comment>first comment</comment>", with: "<comment>other comment</comment>", in: "\(events)/000004.xml"
            )
        }
        try expectTamperCaught("actor-edited", base, naming: "000004.xml", as: ["hash chain", "000003.xml"]) {
            try $0.replace("user=\"olivia\"", with: "user=\"mayor\"", in: "\(events)/000003.xml")
        }
        try expectTamperCaught("middle-deleted", base, naming: "000004.xml", as: ["000003.xml", "missing"]) {
            try $0.remove("\(events)/000003.xml")
        }
        try expectTamperCaught("last-deleted", base, naming: "head.xml", as: ["records event 7", "deleted"]) {
            try $0.remove("\(events)/000007.xml")
        }
        try expectTamperCaught("swapped", base, naming: "000003.xml", as: ["reordered"]) {
            try $0.move("\(events)/000003.xml", to: "\(events)/swap")
            try $0.move("\(events)/000004.xml", to: "\(events)/000003.xml")
            try $0.move("\(events)/swap", to: "\(events)/000004.xml")
        }
        // An old event copied in as the next number: the numbering has no gap, only the chain
        // and the recorded sequence give it away.
        try expectTamperCaught("inserted-next", base, naming: "000008.xml", as: ["hash chain"]) {
            try $0.copy("\(events)/000002.xml", to: "\(events)/000008.xml")
        }
        try expectTamperCaught("inserted-gap", base, naming: "000009.xml", as: ["missing"]) {
            try $0.copy("\(events)/000002.xml", to: "\(events)/000009.xml")
        }
        try expectTamperCaught("stray-file", base, naming: "notes.txt", as: ["unexpected file"]) {
            try $0.put(Data("not an event".utf8), at: "\(events)/notes.txt")
        }
        // The last event has no successor to break the chain: head.xml catches the edit.
        try expectTamperCaught("last-edited", base, naming: "head.xml", as: ["does not match event 7", "edited"]) {
            try $0.replace(
                "<comment>second comment</comment>", with: "<comment>other comment</comment>",
                in: "\(events)/000007.xml")
        }
        try expectTamperCaught("document-deleted", base, naming: "\(shaA).txt", as: ["missing"]) {
            try $0.remove("\(documents)/\(shaA).txt")
        }
        try expectTamperCaught("stored-as-outside", base, naming: "\(shaA).xml", as: ["stored-as"]) {
            try $0.replace(
                "<stored-as>\(shaA).txt</stored-as>", with: "<stored-as>../../../../secret.txt</stored-as>",
                in: "\(documents)/\(shaA).xml")
        }
    }

    /// Document metadata is archived too: retitling or reclassifying a document after the
    /// event that cites it must not pass `verify`, which names the metadata file and says that
    /// it changed since its event recorded it. (It does not say which field changed: its
    /// evidence is the file's SHA-256. The phrases once asked for "title" and "kind", which
    /// only the copies' directory names contained.)
    @Test
    func verifyNamesEditedDocumentMetadata() throws {
        let base = try ScratchArchive("tamper-metadata")
        defer { base.remove() }
        let reference = try base.startSubmission()
        let sha = try base.ok(
            "document", "add", reference, try base.write("Submission text", to: "a.txt"), "--kind", "submission",
            "--title", "Submission", "--as", "olivia")
        let documents = "submissions/\(reference)/documents"
        try expectVerifies(base, "untampered original")

        let changed = ["metadata changed since it was archived", "SHA-256"]
        try expectTamperCaught("title", base, naming: "\(sha).xml", as: changed) {
            try $0.replace(
                "<title>Submission</title>", with: "<title>Something else</title>", in: "\(documents)/\(sha).xml")
        }
        try expectTamperCaught("kind", base, naming: "\(sha).xml", as: changed) {
            try $0.replace("<kind>submission</kind>", with: "<kind>annex</kind>", in: "\(documents)/\(sha).xml")
        }
    }

    // MARK: - Path traversal

    /// References and digests come from users: ones that climb out of the archive are refused
    /// (exit 1), print no file content, and create nothing.
    @Test func traversingReferencesAndDigestsAreRefused() throws {
        let archive = try ScratchArchive("traversal")
        defer { archive.remove() }
        let reference = try archive.startSubmission()
        let file = try archive.write("Submission text", to: "a.txt")
        let sha = try archive.ok(
            "document", "add", reference, file, "--kind", "submission", "--title", "Submission", "--as", "olivia")
        let before = archive.names(in: archive.path)
        let submissionsBefore = archive.names(in: "\(archive.path)/submissions")

        let attempts: [[String]] = [
            ["document", "get", reference, "../../etc/passwd"],
            ["document", "get", reference, "../../../../../../../../etc/passwd"],
            ["document", "get", reference, "/etc/passwd"],
            ["document", "get", "../x", sha],
            ["document", "get", "..", sha],
            ["document", "get", "../../../../../../../../etc", "passwd"],
            ["document", "get", "/etc", "passwd"],
            ["document", "get", reference, "../../etc/passwd", "-o", "\(archive.directory.path)/leaked"],
            ["submission", "show", "../x"],
            ["submission", "show", "../\(reference)"],
            ["submission", "fire", "../x", "submit-for-sign-off", "--as", "olivia"],
            ["document", "add", "../x", file, "--kind", "annex", "--title", "T", "--as", "olivia"],
        ]
        for arguments in attempts {
            let outcome = try archive.run(arguments)
            #expect(outcome.status == 1, "\(arguments): status \(outcome.status): \(outcome.standardError)")
            #expect(outcome.standardOutput.isEmpty, "\(arguments) printed: \(outcome.standardOutput)")
            #expect(!outcome.standardError.contains("root:"), "\(arguments) leaked: \(outcome.standardError)")
            #expect(outcome.standardError.hasPrefix("docket: "), "\(arguments): \(outcome.standardError)")
        }
        #expect(!FileManager.default.fileExists(atPath: "\(archive.directory.path)/leaked"))
        #expect(!FileManager.default.fileExists(atPath: "\(archive.path)/x"))
        #expect(archive.names(in: archive.path) == before)
        #expect(archive.names(in: "\(archive.path)/submissions") == submissionsBefore)
        try expectVerifies(archive, "after traversal attempts")
    }

    /// A tampered metadata file whose `stored-as` climbs out of the documents directory must
    /// not make `document get` read a file outside the archive.
    @Test
    func documentGetStaysInsideTheArchiveWhenMetadataIsTampered() throws {
        let base = try ScratchArchive("stored-as")
        defer { base.remove() }
        let reference = try base.startSubmission()
        let sha = try base.ok(
            "document", "add", reference, try base.write("Submission text", to: "a.txt"), "--kind", "submission",
            "--title", "Submission", "--as", "olivia")
        // From documents/, four levels up is the directory that holds the archive.
        try base.write("TOP SECRET outside the archive", to: "secret.txt")
        try base.replace(
            "<stored-as>\(sha).txt</stored-as>", with: "<stored-as>../../../../secret.txt</stored-as>",
            in: "submissions/\(reference)/documents/\(sha).xml")

        let outcome = try base.run(["document", "get", reference, sha])
        #expect(outcome.status == 1, "status \(outcome.status)")
        #expect(!outcome.standardOutput.contains("TOP SECRET"), "document get read a file outside the archive")
    }

    // MARK: - Helpers

    /// Races two identical `fire`s (but for their comments) and checks what each race must
    /// leave: exactly one winner, a loser that wrote nothing, and an archive that verifies.
    private func raceFires(
        _ archive: ScratchArchive, _ reference: String, event: String, as user: String, comments: [String]?,
        leadingTo expectedState: String, sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> RaceLoss {
        let before = archive.eventFiles(reference)
        let commands = try (0..<2).map { index in
            var arguments = ["submission", "fire", reference, event, "--as", user]
            if let comments { arguments += ["--comment", comments[index]] }
            return try archive.start(arguments)
        }
        let outcomes = try commands.map { try $0.wait().outcome }

        let winners = outcomes.indices.filter { outcomes[$0].status == 0 }
        #expect(winners.count == 1, "\(event): \(outcomes.map(\.standardError))", sourceLocation: sourceLocation)
        guard winners.count == 1 else { return .other }
        let winner = winners[0]
        #expect(outcomes[winner].trimmedOutput == expectedState, sourceLocation: sourceLocation)
        let loser = outcomes[1 - winner]
        let loss: RaceLoss
        switch loser.status {
        case 3:
            loss = .conflict
            #expect(loser.standardError.contains("conflict"), "\(loser.standardError)", sourceLocation: sourceLocation)
        case 1:
            loss = .refused
            #expect(
                loser.standardError.contains("cannot be fired in state"), "\(loser.standardError)",
                sourceLocation: sourceLocation)
        default:
            loss = .other
            Issue.record(
                "\(event): loser status \(loser.status): \(loser.standardError)", sourceLocation: sourceLocation)
        }

        let after = archive.eventFiles(reference)
        #expect(after.count == before.count + 1, "\(event): \(before) -> \(after)", sourceLocation: sourceLocation)
        #expect(Array(after.prefix(before.count)) == before, sourceLocation: sourceLocation)
        #expect(
            archive.temporaryFiles(in: archive.eventsDirectory(reference)).isEmpty, "the loser left a temporary file",
            sourceLocation: sourceLocation)
        if let comments {
            // The recorded event is the winner's own, not a mixture.
            let recorded = try archive.show(reference).events.last
            #expect(recorded?.comment == comments[winner], sourceLocation: sourceLocation)
        }
        try expectVerifies(archive, event, sourceLocation: sourceLocation)
        return loss
    }

    /// Copies `base`, tampers with the copy, and expects `verify` to fail with a problem about
    /// `file` whose message contains every phrase.
    ///
    /// The findings are read from `verify --json`, path and message apart: a phrase must be in
    /// what verify says, not merely in the path (the copy's directory is named after `label`,
    /// so words of the label would otherwise match themselves).
    private func expectTamperCaught(
        _ label: String, _ base: ScratchArchive, naming file: String, as phrases: [String],
        sourceLocation: SourceLocation = #_sourceLocation, tamper: (ScratchArchive) throws -> Void
    ) throws {
        let copy = try base.copy(as: "tampered-\(label)")
        try tamper(copy)
        let outcome = try copy.run(["verify", "--json"])
        let report = outcome.standardOutput + outcome.standardError
        #expect(outcome.status == 1, "\(label): verify should fail:\n\(report)", sourceLocation: sourceLocation)
        let findings = try JSONDecoder().decode([VerifyFinding].self, from: Data(outcome.standardOutput.utf8))
        let naming = findings.filter { $0.severity == "problem" && ($0.path == file || $0.path.hasSuffix("/\(file)")) }
        #expect(!naming.isEmpty, "\(label): no problem is about \(file):\n\(report)", sourceLocation: sourceLocation)
        #expect(
            naming.contains { finding in phrases.allSatisfy { finding.message.contains($0) } },
            "\(label): no problem about \(file) says \(phrases): \(naming.map(\.message))",
            sourceLocation: sourceLocation)
    }

    /// Expects `verify` to pass: exit 0 and no problem (notes about leftovers are fine).
    private func expectVerifies(
        _ archive: ScratchArchive, _ label: String, sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let outcome = try archive.verify()
        #expect(
            outcome.status == 0, "\(label): verify failed:\n\(outcome.standardOutput)\(outcome.standardError)",
            sourceLocation: sourceLocation)
        #expect(!outcome.standardOutput.contains("problem: "), sourceLocation: sourceLocation)
    }

    static func isSHA256(_ text: String) -> Bool {
        text.count == 64 && text.allSatisfy { $0.isHexDigit && !$0.isUppercase }
    }
}

/// Evidence that two writers overlapped: one seen in /proc/locks waiting for a `flock` that
/// another process holds (the submission lock that `document add` takes).
enum LockWatch {
    /// Polls /proc/locks until every command has ended (or `limit` seconds have passed):
    /// whether any of them was ever seen blocked on a `flock`.
    static func seesOneWaiting(_ commands: [CommandRunner.RunningCommand], limit: TimeInterval = 120) -> Bool {
        let pids = Set(commands.map { String($0.processIdentifier) })
        let deadline = Date().addingTimeInterval(limit)
        var seen = false
        while !seen && commands.contains(where: \.isRunning) && Date() < deadline {
            let locks = (try? String(contentsOfFile: "/proc/locks", encoding: .utf8)) ?? ""
            // A blocked request reads "N: -> FLOCK  ADVISORY  WRITE PID MAJ:MIN:INODE 0 EOF".
            seen = locks.split(separator: "\n").contains { line in
                let fields = line.split(separator: " ")
                return fields.count > 5 && fields[1] == "->" && fields[2] == "FLOCK" && pids.contains(String(fields[5]))
            }
            usleep(200)
        }
        return seen
    }
}

/// One finding of `docket verify --json`.
struct VerifyFinding: Decodable {
    /// `problem` or `note`.
    var severity: String
    var path: String
    var message: String
}

/// How the loser of one race lost.
enum RaceLoss {
    /// Both read the same chain; link(2) refused the second event (exit 3).
    case conflict
    /// The loser read the chain after the winner wrote: the workflow refused (exit 1).
    case refused
    /// Anything else (already reported as a test issue).
    case other
}

/// Counts of race outcomes, printed so a run shows how many races really overlapped.
struct RaceTally: CustomStringConvertible {
    var conflicts = 0
    var refusals = 0
    var other = 0

    mutating func add(_ loss: RaceLoss) {
        switch loss {
        case .conflict: conflicts += 1
        case .refused: refusals += 1
        case .other: other += 1
        }
    }

    var description: String { "\(conflicts) conflicts (exit 3), \(refusals) late refusals (exit 1), \(other) other" }
}

/// One step of the kill loop.
enum KillLoopAction {
    case addDocument, submitForSignOff, returnForRedraft
}

/// When the kill loop kills a step's command.
enum KillTiming {
    /// Not at all: the command runs to its end.
    case none
    /// After a delay, wherever the command then is.
    case afterDelay(milliseconds: Double)
    /// As soon as a new file shows in the submission's events or documents folder, and then
    /// this long after.
    case atFirstWrite(extraMicroseconds: UInt32)
}

/// Where a kill of a writing command landed, told from what the archive holds afterwards.
enum KillLanding: String, CaseIterable {
    /// No new file in the submission and no new event: killed while starting or reading.
    case beforeAnyWrite = "before any write"
    /// New files (a document, its metadata, a temporary file) but no new event.
    case filesWrittenNoEvent = "files written but no event"
    /// The event is linked but `head.xml` does not record it yet.
    case eventLinkedHeadBehind = "event linked, head behind"
    /// The event is linked and the head records it: killed after the last write.
    case afterTheLastWrite = "after the last write"

    /// Whether the kill interrupted the command between its first write and its last.
    var isMidWrite: Bool { self == .filesWrittenNoEvent || self == .eventLinkedHeadBehind }
}

extension CommandRunner.Outcome {
    /// Standard output without its trailing newline.
    var trimmedOutput: String { standardOutput.trimmingCharacters(in: .whitespacesAndNewlines) }
}
