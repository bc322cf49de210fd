import Foundation
import Testing

/// `docket serve`'s options for sending mail itself: refused before anything starts when they
/// cannot work.
@Suite struct ServeCommandTests {
    @Test func aScheduleThatIsNoIntervalOrMailThatCannotGoOutIsRefusedBeforeServing() throws {
        let archive = try ScratchArchive("serve-notify")
        defer { archive.remove() }
        try archive.ok("init")
        let refusals: [([String], String)] = [
            (["--notify-every", "5x"], "'5x' is not an interval: give a whole number and a unit, e.g. 30s, 5m or 1h"),
            (["--notify-every", "0s"], "'0s' is not an interval"),
            (["--notify-every", "5m", "--from", "not-an-address"], "--from 'not-an-address' is not an e-mail address"),
        ]
        for (arguments, message) in refusals {
            let outcome = try archive.run(["serve", "--port", "0"] + arguments)
            #expect(outcome.status == 2, "\(arguments): \(outcome.standardError)")
            #expect(outcome.standardError.contains(message), "\(arguments): \(outcome.standardError)")
            #expect(!outcome.standardOutput.contains("serving"))
        }
    }
}
