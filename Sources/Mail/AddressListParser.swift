import Foundation

/// The RFC 5322 §3.4 address-list reader behind `MailboxAddress.list(from:)`: the value is cut
/// into tokens (comments dropped, quoted strings and angle addresses read whole), then the
/// tokens are read as mailboxes and groups.
///
/// Leniency follows Python's `email.headerregistry`, the reference the tests compare with:
/// empty list elements, stray specials and unclosed quotes or brackets are read around.
enum AddressListParser {
    /// A lexical token of an address header.
    enum Token: Equatable {
        /// An atom (`john`, `example`, `=?utf-8?Q?J=C3=B6rg?=`).
        case atom(String)
        /// A quoted string's content, quoted-pairs undone.
        case quoted(String)
        /// A domain literal with its brackets: `[192.0.2.1]`.
        case domainLiteral(String)
        /// One of `, : ; @ .` and any other special met outside a quoted string or comment.
        case special(Unicode.Scalar)
        /// What stood between `<` and `>`.
        case angle([Spaced])
    }

    /// A token and whether white space (or a comment) came before it, which decides where
    /// a display name's words get a space.
    struct Spaced: Equatable {
        var token: Token
        var spaceBefore: Bool
    }

    static func mailboxes(in text: String) -> [MailboxAddress] {
        var scanner = Scanner(Array(text.unicodeScalars))
        let tokens = scanner.tokens(until: nil)
        var result: [MailboxAddress] = []
        var current: [Spaced] = []
        var inGroup = false
        func finish() {
            if let mailbox = mailbox(current) { result.append(mailbox) }
            current = []
        }
        for spaced in tokens {
            switch spaced.token {
            case .special(","):
                finish()
            case .special(":") where !inGroup && !current.contains(where: \.isAngle):
                // `Group name:` starts a group; the name is no mailbox, its members are.
                current = []
                inGroup = true
            case .special(";"):
                finish()
                inGroup = false
            default:
                current.append(spaced)
            }
        }
        finish()
        return result
    }

    /// A mailbox from one list element: `phrase <addr-spec>` or a bare addr-spec; nil if the
    /// element is empty.
    private static func mailbox(_ tokens: [Spaced]) -> MailboxAddress? {
        if let angle = tokens.firstIndex(where: \.isAngle), case .angle(let inner) = tokens[angle].token {
            let name = displayName(tokens[..<angle])
            let address = addrSpec(withoutRoute(inner))
            if name == nil && address.isEmpty { return nil }
            return MailboxAddress(displayName: name, address: address)
        }
        let address = addrSpec(tokens[...])
        return address.isEmpty ? nil : MailboxAddress(displayName: nil, address: address)
    }

    /// RFC 5322 §4.4's obsolete route (`@relay1,@relay2:`) removed from an angle address.
    private static func withoutRoute(_ tokens: [Spaced]) -> ArraySlice<Spaced> {
        guard let colon = tokens.lastIndex(where: { $0.token == .special(":") }) else { return tokens[...] }
        return tokens[(colon + 1)...]
    }

    /// The phrase's words, a space where the header had white space, encoded words decoded.
    private static func displayName(_ tokens: ArraySlice<Spaced>) -> String? {
        var text = ""
        for spaced in tokens {
            let word: String
            switch spaced.token {
            case .atom(let atom): word = atom
            case .quoted(let content): word = content
            case .domainLiteral(let literal): word = literal
            case .special(let scalar): word = String(scalar)
            case .angle: continue
            }
            if spaced.spaceBefore && !text.isEmpty { text += " " }
            text += word
        }
        var ignored: [String] = []
        let decoded = EncodedWords.decode(text, problems: &ignored).trimmingCharacters(in: .whitespaces)
        return decoded.isEmpty ? nil : decoded
    }

    /// `local@domain` without white space and comments; the local part re-quoted only if it
    /// holds characters a dot-atom cannot (so `"john.doe"@x` reads as `john.doe@x`, as in Python).
    private static func addrSpec(_ tokens: ArraySlice<Spaced>) -> String {
        let at = tokens.lastIndex { $0.token == .special("@") }
        let localTokens = at.map { tokens[..<$0] } ?? tokens
        var local = ""
        for spaced in localTokens { local += text(of: spaced.token) }
        if local.unicodeScalars.contains(where: { dotAtomEnds.contains($0) }) {
            local = MailboxAddress.quoted(local)
        }
        guard let at else { return local }
        var domain = ""
        for spaced in tokens[(at + 1)...] { domain += text(of: spaced.token) }
        return local + "@" + domain
    }

    private static func text(of token: Token) -> String {
        switch token {
        case .atom(let text), .quoted(let text), .domainLiteral(let text): text
        case .special(let scalar): String(scalar)
        case .angle: ""
        }
    }

    /// What ends a dot-atom: the specials but `.`, and white space.
    private static let dotAtomEnds = MailboxAddress.specials.subtracting(["."]).union([" ", "\t"])
}

extension AddressListParser.Spaced {
    var isAngle: Bool {
        if case .angle = token { return true }
        return false
    }
}

/// A cursor over an address header's characters that cuts them into tokens.
private struct Scanner {
    typealias Token = AddressListParser.Token
    typealias Spaced = AddressListParser.Spaced

    let scalars: [Unicode.Scalar]
    var index = 0

    init(_ scalars: [Unicode.Scalar]) { self.scalars = scalars }

    private static let atomEnds = MailboxAddress.specials.union([" ", "\t", "\r", "\n"])

    /// Tokens up to `end` (consumed) or the end of the text.
    mutating func tokens(until end: Unicode.Scalar?) -> [Spaced] {
        var tokens: [Spaced] = []
        var spaceBefore = false
        while index < scalars.count {
            let scalar = scalars[index]
            if scalar == end {
                index += 1
                return tokens
            }
            switch scalar {
            case " ", "\t", "\r", "\n":
                index += 1
                spaceBefore = true
                continue
            case "(":
                index = Comments.end(in: scalars, from: index)
                spaceBefore = true
                continue
            case "\"":
                tokens.append(Spaced(token: .quoted(quotedString()), spaceBefore: spaceBefore))
            case "<":
                index += 1
                tokens.append(Spaced(token: .angle(self.tokens(until: ">")), spaceBefore: spaceBefore))
            case "[":
                tokens.append(Spaced(token: .domainLiteral(domainLiteral()), spaceBefore: spaceBefore))
            case ">", ")", "]", "\\":
                // Stray closers and backslashes outside quotes carry nothing; skip them.
                index += 1
                continue
            default:
                if Self.atomEnds.contains(scalar) {
                    index += 1
                    tokens.append(Spaced(token: .special(scalar), spaceBefore: spaceBefore))
                } else {
                    tokens.append(Spaced(token: .atom(atom()), spaceBefore: spaceBefore))
                }
            }
            spaceBefore = false
        }
        return tokens
    }

    private mutating func atom() -> String {
        var text = String.UnicodeScalarView()
        while index < scalars.count, !Self.atomEnds.contains(scalars[index]) {
            text.append(scalars[index])
            index += 1
        }
        return String(text)
    }

    /// A quoted string's content, starting at its `"`; an unclosed one runs to the end.
    private mutating func quotedString() -> String {
        index += 1
        var text = String.UnicodeScalarView()
        while index < scalars.count {
            let scalar = scalars[index]
            index += 1
            if scalar == "\"" { break }
            if scalar == "\\", index < scalars.count {
                text.append(scalars[index])
                index += 1
            } else if scalar != "\r" && scalar != "\n" {
                // A folded quoted string: unfolding removes the line break, not the space.
                text.append(scalar)
            }
        }
        return String(text)
    }

    /// A domain literal with its brackets, white space inside removed.
    private mutating func domainLiteral() -> String {
        var text = String.UnicodeScalarView()
        while index < scalars.count {
            let scalar = scalars[index]
            index += 1
            if scalar == " " || scalar == "\t" || scalar == "\r" || scalar == "\n" { continue }
            text.append(scalar)
            if scalar == "]" { break }
        }
        return String(text)
    }
}
