import Foundation

/// The proxies (the council's TLS proxy) whose `X-Forwarded-For` the web app believes, and the
/// one rule that turns a connection into the client address the access and request logs record.
///
/// Behind a proxy every connection's peer is the proxy, so the peer says nothing about who is
/// signing in. The header says who, but anyone can send it: it is read only when the connection
/// itself comes from a proxy listed here (`docket serve --trusted-proxy` or its setting), and only
/// as far as the trusted proxies wrote it. With no proxy listed, the header is never read.
public struct TrustedProxies: Sendable, Equatable {
    /// No proxy trusted: the client address is always the connection's peer.
    public static let none = TrustedProxies(ranges: [])

    let ranges: [AddressRange]

    init(ranges: [AddressRange]) { self.ranges = ranges }

    /// Proxies given as exact addresses (`127.0.0.1`, `::1`) or CIDR ranges (`10.0.0.0/8`,
    /// `fd00::/8`).
    ///
    /// - Throws: `TrustedProxies.EntryError` naming the first entry that is neither.
    public init(_ entries: [String]) throws(EntryError) {
        var ranges: [AddressRange] = []
        for entry in entries {
            guard let range = AddressRange(entry.trimmingCharacters(in: .whitespaces)) else {
                throw EntryError(entry: entry)
            }
            ranges.append(range)
        }
        self.ranges = ranges
    }

    /// Whether `address` (an IP address as text) is one of the trusted proxies.
    public func contains(_ address: String) -> Bool {
        guard let bytes = AddressRange.bytes(of: address) else { return false }
        return ranges.contains { $0.contains(bytes) }
    }

    /// The address of the client a request came from.
    ///
    /// The peer, unless the peer is a trusted proxy: then `X-Forwarded-For` is read from the
    /// right. Each proxy appends the address it was connected from, so the right-most entries
    /// are the ones our proxies wrote and everything to their left was sent by the client, who
    /// can write anything there. The first entry from the right that is not itself a trusted
    /// proxy is therefore the address our proxy saw connect: the client. Taking the left-most
    /// would let any client choose the address recorded against it.
    ///
    /// - Parameters:
    ///   - peer: the connection's peer address (nil when unknown, as in in-process tests).
    ///   - forwardedFor: the values of every `X-Forwarded-For` field, in the order received.
    /// - Returns: the client's address in canonical form, or the peer. An entry that is not an
    ///   IP address (with or without a port) ends the walk and the peer is returned: what a
    ///   trusted proxy wrote cannot be read, and the peer is at least true. When every entry is
    ///   a trusted proxy, the left-most is the client as far as can be known.
    public func clientAddress(peer: String?, forwardedFor: [String]) -> String? {
        guard let peer, !ranges.isEmpty, contains(peer) else { return peer }
        let entries = forwardedFor.flatMap { $0.split(separator: ",") }.map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        var client: String?
        for entry in entries.reversed() {
            guard let address = AddressRange.address(inForwardedEntry: entry),
                let bytes = AddressRange.bytes(of: address)
            else { return peer }
            client = AddressRange.text(of: bytes)
            if !ranges.contains(where: { $0.contains(bytes) }) { return client }
        }
        return client ?? peer
    }

    /// A trusted proxy that is neither an IP address nor a CIDR range.
    public struct EntryError: Error, CustomStringConvertible, Equatable {
        public var entry: String
        public init(entry: String) { self.entry = entry }
        public var description: String {
            "'\(entry)' is not a trusted proxy: give an IP address (127.0.0.1, ::1) or a CIDR range (10.0.0.0/8)"
        }
    }
}

/// One IPv4 or IPv6 address, or a CIDR range of them, compared as bytes. An IPv4 address seen
/// as IPv6 (`::ffff:127.0.0.1`, a dual-stack socket's peer) is compared as the IPv4 address.
struct AddressRange: Sendable, Equatable {
    var network: [UInt8]
    var prefixLength: Int

    init?(_ text: String) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let bytes = Self.bytes(of: String(parts[0])) else { return nil }
        let bits = bytes.count * 8
        if parts.count == 2 {
            // A range on an IPv4-mapped address counts its prefix in IPv6 bits: keep it simple
            // and accept ranges only as written for their own family.
            guard parts[0].contains(":") == (bytes.count == 16), let length = Int(parts[1]),
                (0...bits).contains(length)
            else { return nil }
            prefixLength = length
        } else {
            prefixLength = bits
        }
        network = bytes
    }

    func contains(_ address: [UInt8]) -> Bool {
        guard address.count == network.count else { return false }
        var remaining = prefixLength
        for (index, byte) in network.enumerated() where remaining > 0 {
            let mask: UInt8 = remaining >= 8 ? 0xFF : ~(0xFF >> UInt8(remaining))
            if byte & mask != address[index] & mask { return false }
            remaining -= 8
        }
        return true
    }

    /// The 4 or 16 bytes of an IP address, an IPv4-mapped IPv6 address as its 4; nil for
    /// anything else (names, ports, zone ids).
    static func bytes(of text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            return withUnsafeBytes(of: &v4) { Array($0) }
        }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, text, &v6) == 1 else { return nil }
        let bytes = withUnsafeBytes(of: &v6) { Array($0) }
        if bytes[0..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xFF, bytes[11] == 0xFF { return Array(bytes[12...]) }
        return bytes
    }

    /// The canonical text of 4 or 16 bytes (`inet_ntop`), so that one client is one address.
    static func text(of bytes: [UInt8]) -> String {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        let family = bytes.count == 4 ? AF_INET : AF_INET6
        _ = bytes.withUnsafeBytes { raw in inet_ntop(family, raw.baseAddress, &buffer, socklen_t(buffer.count)) }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The address in one `X-Forwarded-For` entry: bare, `[v6]`, `[v6]:port` or `v4:port`
    /// (some proxies append the port); nil for anything else.
    static func address(inForwardedEntry entry: String) -> String? {
        if entry.hasPrefix("["), let close = entry.firstIndex(of: "]") {
            let rest = entry[entry.index(after: close)...]
            guard rest.isEmpty || (rest.hasPrefix(":") && UInt16(rest.dropFirst()) != nil) else { return nil }
            return String(entry[entry.index(after: entry.startIndex)..<close])
        }
        let colons = entry.filter { $0 == ":" }.count
        if colons == 1, let colon = entry.firstIndex(of: ":"), UInt16(entry[entry.index(after: colon)...]) != nil {
            return String(entry[..<colon])
        }
        return entry
    }
}
