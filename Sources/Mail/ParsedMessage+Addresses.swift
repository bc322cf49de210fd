extension ParsedMessage {
    /// The mailboxes of every `From` field (RFC 5322 allows several authors).
    public var fromAddresses: [MailboxAddress] { addresses("From") }
    /// The mailboxes of every `To` field, groups flattened.
    public var toAddresses: [MailboxAddress] { addresses("To") }
    /// The mailboxes of every `Cc` field, groups flattened.
    public var ccAddresses: [MailboxAddress] { addresses("Cc") }

    /// Read from the raw bytes, not the decoded `value`: a decoded display name may hold the
    /// commas and angle brackets that separate mailboxes.
    private func addresses(_ name: String) -> [MailboxAddress] {
        let lowered = name.lowercased()
        return headers.fields.filter { $0.name.lowercased() == lowered }.flatMap {
            MailboxAddress.list(from: Charsets.headerText($0.rawValue))
        }
    }
}
