import Archive
import Foundation

/// Where Docket's mail reaches a user, and which mail they want.
extension UserAccounts {
    /// Changes a user's e-mail address and mail choice; nil leaves a setting as it is, and an
    /// empty address removes it (the user then gets no mail).
    ///
    /// Not a credential: sessions and tokens carry on.
    ///
    /// - Returns: the user as now recorded.
    /// - Throws: for an unknown user, nothing to change, or an address that is not one.
    @discardableResult
    public func changeMail(of name: String, email: String? = nil, notify: NotifyChoice? = nil) throws(DocketError)
        -> UserRecord
    {
        guard email != nil || notify != nil else {
            throw .invalidInput("nothing to change: give an e-mail address or a choice of mail")
        }
        let address = try email.map(Self.checkedAddress)
        var changed: UserRecord?
        try archive { () throws(ArchiveError) in
            try store.updateUser(name) { (user: inout UserRecord) throws(ArchiveError) in
                if let address { user.email = address.isEmpty ? nil : address }
                if let notify { user.notify = notify }
                changed = user
            }
        }
        guard let changed else { throw .archive(.noSuchUser(name: name)) }
        return changed
    }

    /// An address as Docket stores it (trimmed), or "" to remove one.
    ///
    /// - Throws: for anything that is not a plain `local@domain.tld` address: Docket writes it
    ///   into mail headers, so a line break, a comma or angle brackets must never pass.
    static func checkedAddress(_ text: String) throws(DocketError) -> String {
        let address = text.trimmingCharacters(in: .whitespaces)
        guard !address.isEmpty else { return "" }
        guard EmailAddress.isValid(address) else {
            throw .invalidInput(
                "'\(text)' is not an e-mail address Docket can write to: give one like name@council.gov.uk")
        }
        return address
    }
}

/// The e-mail addresses Docket accepts: an RFC 5322 addr-spec without quoting or comments,
/// the same rule as the archive schema's `EmailAddress` type.
public enum EmailAddress {
    /// Whether `text` is `local@domain` with a dotted domain of letters, digits and hyphens,
    /// and a local part free of spaces and of the characters that end a header or an address.
    public static func isValid(_ text: String) -> Bool {
        guard text.utf8.count <= 254, text.unicodeScalars.allSatisfy({ $0.isASCII && $0.value > 32 && $0.value < 127 })
        else { return false }
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[0].count <= 64 else { return false }
        guard !parts[0].contains(where: { "<>,;:\"()[]\\".contains($0) }) else { return false }
        let labels = parts[1].split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2 else { return false }
        return labels.allSatisfy { label in
            !label.isEmpty && label.count <= 63 && label.first != "-" && label.last != "-"
                && label.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" }
        }
    }
}
