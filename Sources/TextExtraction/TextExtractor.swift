// TEMPORARY SHELL (main engineer): the TextExtraction helper replaces this whole file with the
// real extractor; only the public API below is relied on by DocketKit.
import Foundation

public struct ExtractedText: Sendable, Hashable {
    public enum Outcome: Sendable, Hashable {
        case extracted
        case notExtracted(reason: String)
    }
    public var text: String
    public var outcome: Outcome
    public var truncated: Bool
}

public struct TextExtractor: Sendable {
    public init() {}

    public func extract(contentsOf path: String, mediaType: String) -> ExtractedText {
        guard mediaType.hasPrefix("text/"), let data = FileManager.default.contents(atPath: path) else {
            return ExtractedText(text: "", outcome: .notExtracted(reason: "shell"), truncated: false)
        }
        return ExtractedText(text: String(decoding: data, as: UTF8.self), outcome: .extracted, truncated: false)
    }
}
