import Foundation

/// One mailbox of an address header (RFC 5322 §3.4): who, and where to write to.
public struct MailboxAddress: Sendable, Hashable {
    /// The display name, RFC 2047 encoded words decoded and quoting removed; nil when the
    /// mailbox is a bare address.
    public var displayName: String?
    /// The addr-spec, `local@domain`, as written but without white space, comments or an
    /// obsolete route; the local part is quoted only if it needs quoting (as Python writes it).
    public var address: String

    /// A mailbox with this name and address.
    public init(displayName: String? = nil, address: String) {
        self.displayName = displayName
        self.address = address
    }

    /// The address with its domain lower-cased: domains are case-insensitive, local parts are
    /// not (RFC 5321 §2.4), so only the domain may be folded to compare addresses.
    public var normalizedAddress: String {
        guard let at = address.lastIndex(of: "@") else { return address }
        return String(address[..<at]) + address[at...].lowercased()
    }

    /// `Name <address>`, or the bare address without a name; a name holding RFC 5322 specials
    /// (`"Smith, John"`) is quoted so that the text reads back as the same mailbox.
    public var displayText: String {
        guard let name = displayName, !name.isEmpty else { return address }
        let needsQuotes = name.unicodeScalars.contains { Self.specials.contains($0) }
        return "\(needsQuotes ? Self.quoted(name) : name) <\(address)>"
    }

    /// The mailboxes of an address-list header value (`From`, `To`, `Cc`, `Reply-To`), groups
    /// flattened to their members, in order.
    ///
    /// Lenient: it never fails, skipping what it cannot read. Comments are dropped, quoted
    /// strings unquoted, obsolete routes (`<@relay:a@b>`) removed, and encoded words in display
    /// names decoded, also inside quoted strings, where broken senders put them.
    ///
    /// - Parameter headerValue: the value as received (see `HeaderField.rawValue`), encoded
    ///   words not yet decoded: a decoded name may hold the commas and angle brackets that
    ///   separate mailboxes. An already decoded value reads the same unless its names do.
    public static func list(from headerValue: String) -> [MailboxAddress] {
        AddressListParser.mailboxes(in: headerValue)
    }

    /// RFC 5322 specials, which a display name cannot hold unquoted.
    static let specials = Set("()<>@,:;.\\\"[]".unicodeScalars)

    /// `text` as a quoted string, backslash and quote escaped.
    static func quoted(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
