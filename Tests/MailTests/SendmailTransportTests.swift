import Foundation
import Mail
import TestSupport
import Testing

/// The hand-over to the MTA, with stand-in programs for the MTA's three answers: accepted,
/// refused (non-zero status and a message), and no program at all.
@Suite struct SendmailTransportTests {
    let directory: TemporaryDirectory

    init() throws {
        directory = try TemporaryDirectory("mta")
    }

    func script(_ name: String, _ body: String) throws -> String {
        try directory.script(name, body)
    }

    @Test func anAcceptingMTAGetsTheWholeMessageAndItsArguments() throws {
        let sink = directory.path("received.eml")
        let mta = try script("accept", "echo \"$@\" > '\(sink).args'; cat > '\(sink)'")
        let message = MailMessageTests.sample()
        #expect(SendmailTransport(path: mta).send(message.bytes) == .accepted)
        #expect(Array(try Data(contentsOf: URL(fileURLWithPath: sink))) == message.bytes)
        #expect(try String(contentsOfFile: "\(sink).args", encoding: .utf8) == "-i -t\n")
    }

    @Test func aRefusalIsReportedWithWhatTheMTASaid() throws {
        let mta = try script("refuse", "cat > /dev/null; echo 'msmtp: recipient address rejected' >&2; exit 75")
        let outcome = SendmailTransport(path: mta).send(MailMessageTests.sample().bytes)
        guard case .failed(let reason) = outcome else {
            Issue.record("a refusal must not count as accepted")
            return
        }
        #expect(reason.contains("status 75"))
        #expect(reason.contains("recipient address rejected"))
    }

    @Test func anMTAThatExitsWithoutReadingIsARefusalNotTheEndOfDocket() throws {
        // Larger than a pipe's buffer: the write cannot finish before the MTA has gone.
        let mta = try script("slam", "echo 'no thanks' >&2; exit 1")
        let message = [UInt8](repeating: 65, count: 1 << 20)
        for _ in 0..<3 {
            guard case .failed(let reason) = SendmailTransport(path: mta).send(message) else {
                Issue.record("an MTA that read nothing and exited 1 must not count as accepted")
                return
            }
            #expect(reason.contains("status 1") && reason.contains("no thanks"))
        }
    }

    @Test func aMissingProgramAndAHungOneAreFailuresNotHangs() throws {
        let missing = SendmailTransport(path: directory.path("no-such-mta"))
        #expect(missing.send([65]) != .accepted)
        let hung = try script("hang", "sleep 30")
        let outcome = SendmailTransport(path: hung, timeLimit: 1).send(MailMessageTests.sample().bytes)
        guard case .failed(let reason) = outcome else {
            Issue.record("a hung MTA must count as failed")
            return
        }
        #expect(reason.contains("did not finish"), "the time limit, not the program's end, decided")
    }
}
