import Foundation
import Testing

/// `docket notify` killed at random moments, again and again, then run to the end: every
/// message decided reaches the MTA, and a message reaches it twice only when the run that
/// handed it over first was killed before it could record that (the one window no design
/// closes), never otherwise.
@Suite struct NotifyKillTests {
    @Test func killedPassesLoseNothingAndRepeatOnlyWhatTheyCouldNotRecord() throws {
        let archive = try ScratchArchive("notify-kill")
        defer { archive.remove() }
        try archive.ok("init")
        try archive.ok("user", "add", "olivia", "--role", "officer", "--email", "olivia@th.gov.uk")
        for mayor in ["mayor", "deputy", "chair"] {
            try archive.ok("user", "add", mayor, "--role", "mayor", "--email", "\(mayor)@th.gov.uk")
        }
        for number in 1...6 {
            let reference = try archive.ok(
                "submission", "new", "--workflow", "best-value-submission", "--title", "Update \(number)", "--as",
                "olivia")
            for (kind, name) in [("submission", "s"), ("cover-letter", "c")] {
                let file = try archive.write("\(name) \(number)", to: "\(name)-\(number).txt")
                try archive.ok("document", "add", reference, file, "--kind", kind, "--title", name, "--as", "olivia")
            }
            try archive.ok("submission", "fire", reference, "submit-for-sign-off", "--as", "olivia")
        }
        // The stand-in MTA: takes the whole message, then notes its Message-ID and the pid of the
        // docket run that handed it over (its parent), a little slowly, as a relay would be.
        let sink = archive.directory.appendingPathComponent("accepted.log").path
        let mta = try archive.write(
            """
            #!/bin/sh
            message=$(cat)
            sleep 0.1
            id=$(printf '%s\\n' "$message" | tr -d '\\r' | sed -n 's/^Message-ID: <\\(.*\\)>$/\\1/p')
            echo "$id $PPID" >> '\(sink)'
            """, to: "mta.sh")
        chmod(mta, 0o755)
        let now = try Self.nextWorkingInstant()
        let arguments = ["notify", "--sendmail", mta, "--now", now, "--from", "docket@th.gov.uk"]

        var random = SeededGenerator(seed: 0x0DEC_1DED)
        var killed: Set<String> = []
        for _ in 0..<12 {
            let run = try archive.start(arguments)
            Thread.sleep(forTimeInterval: Double.random(in: 0.05...0.9, using: &random))
            run.kill()
            let completion = try run.wait()
            if completion.wasKilled { killed.insert(String(run.processIdentifier)) }
        }
        let final = try archive.run(arguments)
        #expect(final.status == 0, "\(final.standardError)")
        #expect(try archive.run(arguments).standardOutput.contains("decided") == false, "nothing left to decide")

        let outbox = try archive.ok("outbox", "--json")
        let messages = try #require(try JSONSerialization.jsonObject(with: Data(outbox.utf8)) as? [[String: Any]])
        #expect(messages.count == 18, "3 mayors × 6 submissions, each decided once")
        #expect(messages.allSatisfy { $0["status"] as? String == "handed-over" })
        let lines = try String(contentsOfFile: sink, encoding: .utf8).split(separator: "\n").map {
            $0.split(separator: " ").map(String.init)
        }
        var acceptances: [String: [String]] = [:]
        for line in lines where line.count == 2 { acceptances[line[0], default: []].append(line[1]) }
        for message in messages {
            let id = try #require(message["messageID"] as? String)
            let pids = acceptances[id] ?? []
            #expect(!pids.isEmpty, "\(id) never reached the MTA")
            // Every acceptance but the last was by a run that was killed before recording it.
            for pid in pids.dropLast() {
                #expect(killed.contains(pid), "\(id) was handed over twice, the first time by run \(pid), not killed")
            }
        }
        let repeated = acceptances.values.filter { $0.count > 1 }.count
        print("notify kill loop: \(killed.count) runs killed, \(repeated) messages handed over again")
        #expect(try archive.verify().status == 0)
    }

    /// Now, or the same time on the next working day (the archive's bank holidays counted):
    /// the pass is quiet on other days, and the submissions were sent to the Mayor just now.
    static func nextWorkingInstant() throws -> String {
        let holidays = try String(
            contentsOf: CommandRunner.repositoryRoot.appendingPathComponent(
                "archive/calendar/bank-holidays-england-and-wales.csv"), encoding: .utf8
        ).split(separator: "\n").map { String($0.prefix(10)) }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Europe/London")!
        for days in 0..<14 {
            let instant = Date().addingTimeInterval(Double(days) * 86_400)
            let parts = calendar.dateComponents([.year, .month, .day, .weekday], from: instant)
            let day = String(format: "%04d-%02d-%02d", parts.year!, parts.month!, parts.day!)
            if parts.weekday != 1, parts.weekday != 7, !holidays.contains(day) {
                return Date.ISO8601FormatStyle().format(instant)
            }
        }
        throw CocoaError(.featureUnsupported)
    }
}
