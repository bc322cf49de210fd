/// The report texts' placeholders: `{ordinal}`, `{dispatched-on}` … filled from the archive's
/// facts. Deliberately strict: an unknown name (a typo such as `{ordnial}`) is an error, never
/// a silent blank in a report the Board will read. `{{` writes a literal brace.
public enum ReportTemplate {
    /// Every placeholder a report text may use, with what it becomes in the model case.
    public static let placeholders: [(name: String, example: String)] = [
        ("series-title", "Best Value Plan"),
        ("ordinal", "third"),
        ("cadence", "six-month"),
        ("cadence-digits", "6-month"),
        ("addressee", "the Secretary of State"),
        ("dispatched-on", "20th September 2016"),
        ("dispatched-when", "last month"),
        ("received-on", "7th October 2016"),
        ("responder", "the Secretary of State’s Commissioners"),
        ("responder-short", "Commissioners"),
        ("responder-possessive", "Commissioners’"),
        ("submission-annex", "Annex A"),
        ("response-annex", "Annex B"),
        ("meeting-date", "19th October 2016"),
        ("board", "Best Value Programme Board"),
    ]

    /// Checks that `text` uses only known placeholders and balanced braces.
    public static func check(_ text: String) throws(DocketError) {
        _ = try fill(text) { _ in "" }
    }

    /// Fills the placeholders of `text` with `value(name)`.
    ///
    /// - Throws: `DocketError.invalidInput` naming an unknown placeholder or an unclosed brace.
    public static func fill(_ text: String, _ value: (String) -> String) throws(DocketError) -> String {
        let known = Set(placeholders.map(\.name))
        var output = ""
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            let next = text.index(after: index)
            if character == "{" {
                if next < text.endIndex, text[next] == "{" {
                    output.append("{")
                    index = text.index(after: next)
                    continue
                }
                guard let close = text[next...].firstIndex(of: "}") else {
                    throw .invalidInput("an unclosed '{' in the text (write '{{' for a literal brace)")
                }
                let name = String(text[next..<close])
                guard known.contains(name) else {
                    throw .invalidInput(
                        "unknown placeholder {\(name)}; known: "
                            + placeholders.map { "{\($0.name)}" }.joined(separator: " "))
                }
                output += value(name)
                index = text.index(after: close)
            } else if character == "}", next < text.endIndex, text[next] == "}" {
                output.append("}")
                index = text.index(after: next)
            } else {
                output.append(character)
                index = next
            }
        }
        return output
    }
}
