import Archive
import Testing

/// The one set of hash-chain rules the archive's readers and `verify` share, driven as a value.
@Suite struct HashChainWalkerTests {
    let anchor = String(repeating: "a", count: 64)
    func sha(_ letter: Character) -> String { String(repeating: letter, count: 64) }

    @Test func anUnbrokenChainLinksEachFileToTheOneBefore() {
        var chain = HashChainWalker(anchor: anchor, anchorName: "submission.xml")
        #expect(chain.expectedName == "000001.xml")
        let first = chain.enter("000001.xml")
        #expect(first == nil)
        #expect(chain.isNumbered(recorded: 1))
        let firstLinks = chain.link(previous: anchor, sha256: sha("b"))
        #expect(firstLinks)
        #expect(chain.previousName == "000001.xml" && chain.expectedName == "000002.xml")
        let second = chain.enter("000002.xml")
        let secondLinks = chain.link(previous: sha("b"), sha256: sha("c"))
        #expect(second == nil && secondLinks)
    }

    @Test func namesOutOfTurnAreMissingDuplicateOrNoLinkAtAll() {
        var chain = HashChainWalker(anchor: anchor, anchorName: "submission.xml")
        let notes = chain.enter("notes.txt")
        let short = chain.enter("1.xml")
        #expect(notes == .unexpectedName && short == .unexpectedName)
        #expect(chain.expectedName == "000001.xml")  // a file that is no link is passed over
        let third = chain.enter("000003.xml")
        #expect(third == .missing(first: 1, last: 2))
        #expect(chain.expectedName == "000004.xml")  // numbering resumes after the file found
        #expect(!chain.isNumbered(recorded: 2))
        let again = chain.enter("000002.xml")
        #expect(again == .duplicate)
    }

    @Test func aBrokenLinkIsFoundButNoneIsJudgedAfterAnUnreadableFile() {
        var chain = HashChainWalker(anchor: anchor, anchorName: "submission.xml")
        _ = chain.enter("000001.xml")
        let tampered = chain.link(previous: sha("x"), sha256: sha("b"))
        #expect(!tampered)
        _ = chain.enter("000002.xml")
        chain.unreadable()
        #expect(chain.previousName == "000002.xml")
        _ = chain.enter("000003.xml")
        let afterUnreadable = chain.link(previous: sha("x"), sha256: sha("d"))
        #expect(afterUnreadable)
        _ = chain.enter("000004.xml")
        let broken = chain.link(previous: sha("x"), sha256: sha("e"))
        #expect(!broken)
    }
}
