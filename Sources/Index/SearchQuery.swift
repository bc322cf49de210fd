/// A search query as people type it — words, "exact phrases", prefix*, AND / OR / NOT and
/// parentheses — checked and turned into an FTS5 expression.
///
/// Users never write FTS5 syntax directly: every word is quoted before it reaches SQLite, so
/// a stray `-`, `:` or `^` is a character to search for, never a syntax error from SQLite,
/// and every mistake is reported here in plain words with its position.
///
/// Precedence as in FTS5: NOT binds tightest, then AND (also implied between words), then OR.
public struct SearchQuery: Sendable, Hashable {
    /// The FTS5 MATCH expression.
    public let expression: String
    /// The words and phrases searched for, for display.
    public let terms: [String]
    /// The parsed query, which `QueryPlan` turns into the statement's expression.
    let node: Node

    /// Parses `text`.
    ///
    /// - Throws: `IndexError.badQuery` naming the problem and its column (1-based).
    public init(_ text: String) throws(IndexError) {
        var parser = Parser(tokens: try Lexer.tokens(of: text))
        node = try parser.parseQuery()
        expression = node.fts5
        terms = node.terms
    }

    /// The FTS5 expression for a phrase of `words` in one column (the phrase is quoted).
    public static func columnPhrase(_ column: String, _ text: String) -> String? {
        let words = text.split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map(String.init)
        guard !words.isEmpty else { return nil }
        return "\(column) : \(quote(words.joined(separator: " ")))"
    }

    static func quote(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    // MARK: - Syntax tree

    indirect enum Node: Hashable, Sendable {
        case term(String, prefix: Bool)
        case phrase(String)
        case and(Node, Node)
        case or(Node, Node)
        case not(Node, Node)

        var fts5: String {
            switch self {
            case .term(let word, let prefix): SearchQuery.quote(word) + (prefix ? "*" : "")
            case .phrase(let words): SearchQuery.quote(words)
            case .and(let left, let right): "(\(left.fts5) AND \(right.fts5))"
            case .or(let left, let right): "(\(left.fts5) OR \(right.fts5))"
            case .not(let left, let right): "(\(left.fts5) NOT \(right.fts5))"
            }
        }

        var terms: [String] {
            switch self {
            case .term(let word, let prefix): [word + (prefix ? "*" : "")]
            case .phrase(let words): ["\"\(words)\""]
            case .and(let left, let right), .or(let left, let right): left.terms + right.terms
            case .not(let left, _): left.terms
            }
        }
    }

    // MARK: - Lexer

    enum Token: Equatable {
        case word(String, prefix: Bool)
        case phrase(String)
        case and, or, not, open, close
    }

    struct Located {
        var token: Token
        var column: Int
    }

    enum Lexer {
        static func tokens(of text: String) throws(IndexError) -> [Located] {
            var result: [Located] = []
            let characters = Array(text)
            var index = 0
            while index < characters.count {
                let character = characters[index]
                let column = index + 1
                if character.isWhitespace {
                    index += 1
                } else if character == "(" || character == ")" {
                    result.append(Located(token: character == "(" ? .open : .close, column: column))
                    index += 1
                } else if character == "\"" {
                    guard let end = characters[(index + 1)...].firstIndex(of: "\"") else {
                        throw .badQuery("the quote at column \(column) is never closed")
                    }
                    let words = words(in: String(characters[(index + 1)..<end]))
                    if words.isEmpty {
                        throw .badQuery("the phrase at column \(column) has no words in it")
                    }
                    result.append(Located(token: .phrase(words.joined(separator: " ")), column: column))
                    index = end + 1
                } else {
                    var end = index
                    while end < characters.count, !characters[end].isWhitespace,
                        !"()\"".contains(characters[end])
                    {
                        end += 1
                    }
                    let raw = String(characters[index..<end])
                    index = end
                    switch raw {
                    case "AND": result.append(Located(token: .and, column: column))
                    case "OR": result.append(Located(token: .or, column: column))
                    case "NOT": result.append(Located(token: .not, column: column))
                    default:
                        let prefix = raw.hasSuffix("*")
                        let stem = prefix ? String(raw.dropLast()) : raw
                        if stem.contains("*") {
                            throw .badQuery("'*' may only end a word (column \(column): \(raw))")
                        }
                        let pieces = words(in: stem)
                        if pieces.isEmpty {
                            if prefix {
                                throw .badQuery("'*' at column \(column) needs the start of a word before it")
                            }
                            continue  // punctuation alone: nothing to search for
                        }
                        if pieces.count == 1 {
                            result.append(Located(token: .word(pieces[0], prefix: prefix), column: column))
                        } else if prefix {
                            throw .badQuery("'*' may only end a single word (column \(column): \(raw))")
                        } else {
                            // "s.151" or "e-mail": the words together, in order.
                            result.append(Located(token: .phrase(pieces.joined(separator: " ")), column: column))
                        }
                    }
                }
            }
            return result
        }

        static func words(in text: String) -> [String] {
            text.split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map { String($0).lowercased() }
        }
    }

    // MARK: - Parser

    struct Parser {
        let tokens: [Located]
        var position = 0

        mutating func parseQuery() throws(IndexError) -> Node {
            guard !tokens.isEmpty else { throw .badQuery("there are no words to search for") }
            let node = try parseOr()
            if position < tokens.count {
                let extra = tokens[position]
                throw .badQuery(
                    extra.token == .close
                        ? "the ')' at column \(extra.column) has no matching '('"
                        : "unexpected \(describe(extra.token)) at column \(extra.column)")
            }
            return node
        }

        mutating func parseOr() throws(IndexError) -> Node {
            var node = try parseAnd()
            while let next = peek(), next.token == .or {
                position += 1
                node = .or(node, try parseAnd(after: next))
            }
            return node
        }

        mutating func parseAnd(after operatorToken: Located? = nil) throws(IndexError) -> Node {
            var node = try parseNot(after: operatorToken)
            while let next = peek() {
                if next.token == .and {
                    position += 1
                    node = .and(node, try parseNot(after: next))
                } else if case .word = next.token {
                    node = .and(node, try parseNot(after: nil))
                } else if case .phrase = next.token {
                    node = .and(node, try parseNot(after: nil))
                } else if next.token == .open {
                    node = .and(node, try parseNot(after: nil))
                } else {
                    break
                }
            }
            return node
        }

        mutating func parseNot(after operatorToken: Located?) throws(IndexError) -> Node {
            var node = try parsePrimary(after: operatorToken)
            while let next = peek(), next.token == .not {
                position += 1
                node = .not(node, try parsePrimary(after: next))
            }
            return node
        }

        mutating func parsePrimary(after operatorToken: Located?) throws(IndexError) -> Node {
            guard let located = peek() else {
                if let operatorToken {
                    throw .badQuery(
                        "\(describe(operatorToken.token)) at column \(operatorToken.column) needs a word after it")
                }
                throw .badQuery("the query ends too early")
            }
            switch located.token {
            case .word(let word, let prefix):
                position += 1
                return .term(word, prefix: prefix)
            case .phrase(let words):
                position += 1
                return .phrase(words)
            case .open:
                position += 1
                if let next = peek(), next.token == .close {
                    throw .badQuery("the parentheses at column \(located.column) are empty")
                }
                let inner = try parseOr()
                guard let close = peek(), close.token == .close else {
                    throw .badQuery("the '(' at column \(located.column) is never closed")
                }
                position += 1
                return inner
            case .not where operatorToken == nil && position == 0:
                throw .badQuery(
                    "a query cannot start with NOT (column \(located.column)); say what to find first, e.g. 'council NOT mayor'"
                )
            case .and, .or, .not, .close:
                if let operatorToken {
                    throw .badQuery(
                        "\(describe(operatorToken.token)) at column \(operatorToken.column) needs a word after it, not \(describe(located.token))"
                    )
                }
                throw .badQuery("\(describe(located.token)) at column \(located.column) needs a word before it")
            }
        }

        func peek() -> Located? { position < tokens.count ? tokens[position] : nil }

        func describe(_ token: Token) -> String {
            switch token {
            case .word(let word, _): "'\(word)'"
            case .phrase(let words): "\"\(words)\""
            case .and: "AND"
            case .or: "OR"
            case .not: "NOT"
            case .open: "'('"
            case .close: "')'"
            }
        }
    }
}
