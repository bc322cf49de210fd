import Index
import Testing

/// The query language people type, turned into FTS5 — and every mistake named in plain words.
@Suite struct SearchQueryTests {
    @Test(arguments: [
        ("council", #""council""#),
        ("Mayor's office", #"("mayor s" AND "office")"#),
        (#""best value" direction"#, #"("best value" AND "direction")"#),
        ("commission*", #""commission"*"#),
        ("mayor OR commissioners", #"("mayor" OR "commissioners")"#),
        ("council NOT mayor", #"("council" NOT "mayor")"#),
        ("a AND b OR c", #"(("a" AND "b") OR "c")"#),
        ("a OR b c", #"("a" OR ("b" AND "c"))"#),
        ("(a OR b) c", #"(("a" OR "b") AND "c")"#),
        ("s.151 officer", #"("s 151" AND "officer")"#),
        ("x NOT y NOT z", #"(("x" NOT "y") NOT "z")"#),
        ("col:umn^ -minus", #"("col umn" AND "minus")"#),
        ("and or not", #"(("and" AND "or") AND "not")"#),
    ])
    func translates(_ input: String, _ expected: String) throws {
        #expect(try SearchQuery(input).expression == expected)
    }

    @Test(arguments: [
        ("", "no words"),
        ("   ", "no words"),
        ("\"best value", "quote at column 1 is never closed"),
        ("NOT mayor", "cannot start with NOT"),
        ("council AND", "AND at column 9 needs a word after it"),
        ("OR mayor", "OR at column 1 needs a word before it"),
        ("(council", "'(' at column 1 is never closed"),
        ("council)", "')' at column 8 has no matching '('"),
        ("()", "parentheses at column 1 are empty"),
        ("co*ncil", "'*' may only end a word"),
        ("*", "needs the start of a word"),
        ("\"  \"", "phrase at column 1 has no words"),
        ("council OR OR mayor", "OR at column 9 needs a word after it, not OR"),
    ])
    func refusesWithAReason(_ input: String, _ fragment: String) {
        do {
            _ = try SearchQuery(input)
            Issue.record("accepted \(input)")
        } catch {
            #expect(error.description.contains(fragment), "\(error.description)")
            #expect(!error.description.lowercased().contains("fts5"))
        }
    }

    @Test func fts5SyntaxIsOnlyEverSearchedForAsText() throws {
        // NEAR, column filters, ^ and + mean something to FTS5; typed here they are words.
        let query = try SearchQuery("NEAR(mayor office) title:council ^start +plus")
        #expect(
            query.expression == #"(((("near" AND "mayor") AND "office") AND "title council") AND "start plus")"#
                || query.expression.contains(#""title council""#))
        #expect(!query.expression.contains("NEAR("))
        #expect(!query.expression.contains("title :"))
    }
}
