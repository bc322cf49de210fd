import Foundation
import Mail
import TestSupport
import Testing

/// Maildir listing: delivered messages only, in name order, and a clear refusal of other folders.
@Suite struct MaildirTests {
    @Test func newAndCurAreListedByNameWithoutTmpOrDotFiles() throws {
        let directory = try TemporaryDirectory("maildir")
        defer { directory.remove() }
        try directory.write(Array("3".utf8), to: "cur/1700000003.M3P1.host:2,S")
        try directory.write(Array("1".utf8), to: "new/1700000001.M1P1.host")
        try directory.write(Array("2".utf8), to: "cur/1700000002.M2P1.host:2,RS")
        try directory.write(Array("half".utf8), to: "tmp/1700000004.M4P1.host")
        try directory.write(Array("x".utf8), to: "new/.hidden")
        try FileManager.default.createDirectory(
            atPath: directory.path("cur/a-subdirectory"), withIntermediateDirectories: true)
        let files = try Maildir(path: directory.url.path).messageFiles()
        #expect(files.map(\.name) == ["1700000001.M1P1.host", "1700000002.M2P1.host:2,RS", "1700000003.M3P1.host:2,S"])
        #expect(files.map(\.isNew) == [true, false, false])
        #expect(
            files.map(\.path) == [
                directory.path("new/1700000001.M1P1.host"), directory.path("cur/1700000002.M2P1.host:2,RS"),
                directory.path("cur/1700000003.M3P1.host:2,S"),
            ])
        #expect(
            try files.map { try Data(contentsOf: URL(fileURLWithPath: $0.path)) }
                == ["1", "2", "3"].map { Data($0.utf8) })
    }

    @Test func aFolderWithoutCurNewAndTmpIsRefused() throws {
        let directory = try TemporaryDirectory("maildir")
        defer { directory.remove() }
        try FileManager.default.createDirectory(atPath: directory.path("new"), withIntermediateDirectories: true)
        try directory.write([], to: "tmp")
        #expect(throws: Maildir.Error.notAMaildir(path: directory.url.path, missing: ["cur", "tmp"])) {
            try Maildir(path: directory.url.path)
        }
        let error = Maildir.Error.notAMaildir(path: "/m", missing: ["cur", "tmp"])
        #expect(error.description == "/m is not a Maildir: it lacks cur, tmp (a Maildir has cur, new and tmp)")
    }
}
