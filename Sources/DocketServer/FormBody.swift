import DocketKit
import Foundation
import Hummingbird

/// A submitted `application/x-www-form-urlencoded` form: each name with its values.
struct FormBody: Sendable {
    var values: [String: [String]]

    /// Parses a form body (`+` is a space; percent escapes decoded; malformed escapes refused).
    init(_ text: String) throws {
        values = [:]
        for pair in text.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ part: Substring) throws -> String {
                guard let decoded = String(part).replacingOccurrences(of: "+", with: " ").removingPercentEncoding else {
                    throw WebError.badRequest("the form is not validly encoded")
                }
                return decoded
            }
            let name = try decode(parts[0])
            // Browsers send a textarea's line breaks as CRLF; Docket keeps LF.
            let value = parts.count > 1 ? LineEndings.normalised(try decode(parts[1])) : ""
            values[name, default: []].append(value)
        }
    }

    /// Reads a form from a request, refusing bodies over `limit` bytes (413).
    static func read(_ request: Request, limit: Int = 1 << 20) async throws -> FormBody {
        let buffer = try await request.body.collect(upTo: limit)
        return try FormBody(String(buffer: buffer))
    }

    subscript(_ name: String) -> String? {
        values[name]?.first
    }

    /// What was typed into the fields `names`, to fill a refused form again (an absent field
    /// is empty, so that a template never falls back to a name of the page around it).
    func typed(_ names: [String]) -> [String: String] {
        Dictionary(uniqueKeysWithValues: names.map { ($0, self[$0] ?? "") })
    }

    /// The fields `names`, all empty: a form as first shown.
    static func untyped(_ names: [String]) -> [String: String] {
        Dictionary(uniqueKeysWithValues: names.map { ($0, "") })
    }

    /// The value, trimmed; nil when absent or blank.
    func text(_ name: String) -> String? {
        guard let value = self[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else {
            return nil
        }
        return value
    }
}
