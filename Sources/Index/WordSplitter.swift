/// Splits text into words as FTS5's `unicode61 remove_diacritics 2` tokenizer does, without
/// SQLite, for the ASCII part of the text; what holds other characters is handed back whole
/// for that tokenizer to split.
///
/// Why: the term counts (`TermStatistics`) need each document's distinct words, and asking
/// FTS5's tokenizer for them costs a call and a `String` per token on the index's one writer
/// thread — at a million documents, as long again as the insert itself. This runs on the
/// reading threads instead, over the UTF-8 bytes.
///
/// Exact because unicode61 decides each character alone: a token is a maximal run of
/// characters in the categories L*, N* and Co, and in ASCII those are the letters and digits,
/// so every other ASCII byte separates tokens whatever surrounds it. A run between two such
/// separators that is all ASCII is therefore one token, lower-cased; a run holding any other
/// byte may hold further separators (`’`, `—`) or letters to fold (`é`), and goes to FTS5.
enum WordSplitter {
    /// Calls `word` with each ASCII word of `text` (lower-cased, as often as it occurs) and
    /// `unusual` with each run that holds other characters, in order.
    @inline(__always)
    static func forEachWord(in text: String, _ word: (String) -> Void, unusual: (String) -> Void) {
        var text = text
        text.withUTF8 { bytes in
            var start = 0
            var isASCII = true
            var index = 0
            func endRun() {
                guard index > start else { return }
                let run = UnsafeBufferPointer(rebasing: bytes[start..<index])
                if isASCII {
                    word(lowercased(run))
                } else {
                    unusual(String(decoding: run, as: UTF8.self))
                }
            }
            while index < bytes.count {
                let byte = bytes[index]
                if byte >= 0x80 {
                    isASCII = false
                } else if !isASCIIAlphanumeric(byte) {
                    endRun()
                    start = index + 1
                    isASCII = true
                }
                index += 1
            }
            endRun()
        }
    }

    private static func isASCIIAlphanumeric(_ byte: UInt8) -> Bool {
        (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x30 && byte <= 0x39)
    }

    /// An ASCII run lower-cased; runs of up to 15 bytes need no allocation (small strings).
    private static func lowercased(_ run: UnsafeBufferPointer<UInt8>) -> String {
        String(
            unsafeUninitializedCapacity: run.count,
            initializingUTF8With: { output in
                for (position, byte) in run.enumerated() {
                    output[position] = (byte >= 0x41 && byte <= 0x5A) ? byte | 0x20 : byte
                }
                return run.count
            })
    }
}
