import DocketServer
import Foundation
import Testing

/// Whose address the access log records: `X-Forwarded-For` believed only from a trusted proxy,
/// read from the right. The rule in a real server behind a real proxy, access and request logs
/// read back, is Tests/Proxy/test_nginx_proxy.py (a live server here timed out under the whole
/// suite's load: its handlers wait for the busy cooperative pool).
struct TrustedProxiesTests {
    static let proxy = try! TrustedProxies(["127.0.0.1", "10.1.0.0/16"])

    @Test func withNoProxyTrustedTheHeaderIsNeverRead() {
        #expect(TrustedProxies.none.clientAddress(peer: "127.0.0.1", forwardedFor: ["203.0.113.9"]) == "127.0.0.1")
        #expect(TrustedProxies.none.clientAddress(peer: nil, forwardedFor: ["203.0.113.9"]) == nil)
    }

    @Test func aPeerThatIsNoTrustedProxyIsTheClientWhateverItsHeaderSays() {
        #expect(Self.proxy.clientAddress(peer: "192.0.2.4", forwardedFor: ["203.0.113.9"]) == "192.0.2.4")
        #expect(Self.proxy.clientAddress(peer: "10.2.0.1", forwardedFor: ["203.0.113.9"]) == "10.2.0.1")
    }

    @Test func fromATrustedProxyTheRightMostUntrustedEntryIsTheClient() {
        // The client wrote 198.51.100.1 itself; our proxy appended the address it saw connect.
        #expect(
            Self.proxy.clientAddress(peer: "127.0.0.1", forwardedFor: ["198.51.100.1, 203.0.113.9"]) == "203.0.113.9")
        // A second trusted proxy (inside 10.1.0.0/16) between them is passed over.
        #expect(
            Self.proxy.clientAddress(peer: "127.0.0.1", forwardedFor: ["198.51.100.1, 203.0.113.9", "10.1.4.2"])
                == "203.0.113.9")
        // Every entry a trusted proxy: the left-most is as far as can be known.
        #expect(Self.proxy.clientAddress(peer: "127.0.0.1", forwardedFor: ["10.1.0.7, 10.1.0.8"]) == "10.1.0.7")
        // No header: the proxy itself.
        #expect(Self.proxy.clientAddress(peer: "127.0.0.1", forwardedFor: []) == "127.0.0.1")
    }

    @Test func entriesAreReadWithPortsAndInCanonicalFormAndGarbageFallsBackToThePeer() {
        #expect(Self.proxy.clientAddress(peer: "127.0.0.1", forwardedFor: ["203.0.113.9:51234"]) == "203.0.113.9")
        #expect(
            Self.proxy.clientAddress(peer: "127.0.0.1", forwardedFor: ["[2001:DB8:0:0::1]:443"]) == "2001:db8::1")
        #expect(Self.proxy.clientAddress(peer: "127.0.0.1", forwardedFor: ["::ffff:192.0.2.8"]) == "192.0.2.8")
        // What the trusted proxy wrote cannot be read: the peer, not the client's own entry to its left.
        #expect(Self.proxy.clientAddress(peer: "127.0.0.1", forwardedFor: ["203.0.113.9, unknown"]) == "127.0.0.1")
        #expect(Self.proxy.clientAddress(peer: "127.0.0.1", forwardedFor: ["127.000.000.001"]) == "127.0.0.1")
    }

    @Test func rangesMatchByPrefixAndFamilyAndADualStackPeerAsIPv4() throws {
        let proxies = try TrustedProxies(["192.168.8.0/21", "fd00::/8", "::1"])
        #expect(proxies.contains("192.168.15.255"))
        #expect(!proxies.contains("192.168.16.0"))
        #expect(proxies.contains("fd12:3456::1"))
        #expect(!proxies.contains("fe80::1"))
        #expect(proxies.contains("::1"))
        #expect(!proxies.contains("127.0.0.1"))
        #expect(try TrustedProxies(["127.0.0.1"]).contains("::ffff:127.0.0.1"))
        #expect(try TrustedProxies(["0.0.0.0/0"]).contains("203.0.113.9"))
    }

    @Test func entriesThatAreNotAddressesAreRefusedByName() {
        for bad in ["proxy.council.example", "10.0.0.0/33", "10.0.0.1/", "::1/129", "", "127.0.0.1:80"] {
            #expect(throws: TrustedProxies.EntryError(entry: bad)) { try TrustedProxies([bad]) }
        }
    }
}
