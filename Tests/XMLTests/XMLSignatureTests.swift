import Crypto
import CryptoExtras
import Foundation
import TestSupport
import Testing
import XML

/// A key pair made for one test, in the PEM forms Docket and `xmlsec1` read.
struct SignatureTestKey {
    let name: String
    let privatePEM: String
    let publicPEM: String

    static func ecdsa(_ name: String) -> SignatureTestKey {
        let key = P256.Signing.PrivateKey()
        return SignatureTestKey(
            name: name, privatePEM: key.pemRepresentation, publicPEM: key.publicKey.pemRepresentation)
    }

    static func rsa(_ name: String) throws -> SignatureTestKey {
        let key = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        return SignatureTestKey(
            name: name, privatePEM: key.pemRepresentation, publicPEM: key.publicKey.pemRepresentation)
    }

    func signer() throws -> XMLSigner {
        XMLSigner(key: try XMLSigningKey(name: name, privateKeyPEM: privatePEM))
    }

    func trusted() throws -> XMLTrustedKey {
        try XMLTrustedKey(name: name, publicKeyPEM: publicPEM)
    }
}

/// URIs of the signature shape, spelled out so the tests do not borrow them from the code under test.
enum DSig {
    static let namespace = "http://www.w3.org/2000/09/xmldsig#"
    static let exclusiveC14N = "http://www.w3.org/2001/10/xml-exc-c14n#"
    static let inclusiveC14N = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315"
    static let enveloped = "http://www.w3.org/2000/09/xmldsig#enveloped-signature"
    static let xpath = "http://www.w3.org/TR/1999/REC-xpath-19991116"
    static let sha256 = "http://www.w3.org/2001/04/xmlenc#sha256"
    static let ecdsaSHA256 = "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256"
    static let rsaSHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
}

/// The signature's error, or nil when `body` did not throw one.
private func signatureError(_ body: () throws -> String) -> XMLSignatureError? {
    do {
        _ = try body()
        return nil
    } catch let error as XMLSignatureError {
        return error
    } catch {
        Issue.record("expected an XMLSignatureError, got \(error)")
        return nil
    }
}

@Suite("Enveloped XML Signatures (xmlsec)")
struct XMLSignatureTests {
    /// An archive record, as an event file might look.
    static let record = """
        <?xml version="1.0" encoding="UTF-8"?>
        <event xmlns="urn:docket:event" id="x">
          <type>submitted</type>
          <at>2026-12-02T01:00:00Z</at>
          <by>clerk</by>
          <note>Budget &amp; plan, "final"</note>
        </event>

        """

    let archive = SignatureTestKey.ecdsa("archive")

    private func signed(by key: SignatureTestKey, _ text: String = record) throws -> String {
        String(decoding: try key.signer().sign(Array(text.utf8), source: "event.xml"), as: UTF8.self)
    }

    private func verifier(_ keys: SignatureTestKey...) throws -> XMLSignatureVerifier {
        try XMLSignatureVerifier(trustedKeys: keys.map { try $0.trusted() })
    }

    private func verify(_ text: String, with verifier: XMLSignatureVerifier) throws -> String {
        try verifier.verify(Array(text.utf8), source: "event.xml")
    }

    // MARK: - Round trips

    @Test("an ECDSA P-256 signature verifies, naming the key, and has exactly Docket's shape")
    func ecdsaRoundTrip() throws {
        let text = try signed(by: archive)
        #expect(try verify(text, with: verifier(SignatureTestKey.ecdsa("other"), archive)) == "archive")
        try expectShape(text, signatureMethod: DSig.ecdsaSHA256, keyName: "archive")
    }

    @Test("an RSA signature verifies with rsa-sha256")
    func rsaRoundTrip() throws {
        let key = try SignatureTestKey.rsa("archive-rsa")
        let text = try signed(by: key)
        #expect(try verify(text, with: verifier(key)) == "archive-rsa")
        try expectShape(text, signatureMethod: DSig.rsaSHA256, keyName: "archive-rsa")
    }

    @Test("signing a parsed document leaves it unchanged, and its signature verifies")
    func signingCopies() throws {
        let document = try XMLDocument(parsing: Self.record)
        let before = try document.serialized(indented: false)
        let signedBytes = try archive.signer().sign(document)
        #expect(try document.serialized(indented: false) == before)
        #expect(try verifier(archive).verify(signedBytes) == "archive")
    }

    @Test("a key name with markup characters is written as text and still verifies")
    func keyNameIsText() throws {
        let key = SignatureTestKey.ecdsa("clerk <&> \"office\"")
        #expect(try verify(signed(by: key), with: verifier(key)) == key.name)
    }

    /// The one shape: Signature last under the root; exc-C14N; one Reference URI="" with
    /// enveloped then exc-C14N; SHA-256; KeyInfo with only the KeyName.
    private func expectShape(_ text: String, signatureMethod: String, keyName: String) throws {
        let document = try XMLDocument(parsing: text)
        let ns = ["ds": DSig.namespace]
        let root = try #require(document.root)
        #expect(root.childElements.last?.name == "Signature")
        #expect(root.childElements.last?.namespaceURI == DSig.namespace)
        func values(_ path: String) throws -> [String] {
            try document.nodes(path, namespaces: ns).map(\.text)
        }
        let info = "/*/ds:Signature/ds:SignedInfo"
        #expect(try values("\(info)/ds:CanonicalizationMethod/@Algorithm") == [DSig.exclusiveC14N])
        #expect(try values("\(info)/ds:SignatureMethod/@Algorithm") == [signatureMethod])
        #expect(try values("\(info)/ds:Reference/@URI") == [""])
        #expect(
            try values("\(info)/ds:Reference/ds:Transforms/ds:Transform/@Algorithm") == [
                DSig.enveloped, DSig.exclusiveC14N,
            ])
        #expect(try values("\(info)/ds:Reference/ds:DigestMethod/@Algorithm") == [DSig.sha256])
        #expect(try document.nodes("/*/ds:Signature/ds:KeyInfo/*", namespaces: ns).map(\.name) == ["KeyName"])
        #expect(try values("/*/ds:Signature/ds:KeyInfo/ds:KeyName") == [keyName])
    }

    // MARK: - The xmlsec1 command agrees

    @Test("xmlsec1 verifies Docket's ECDSA and RSA signatures with the public key alone, and refuses a changed one")
    func xmlsec1VerifiesDocketSignatures() throws {
        let xmlsec1 = try ExternalTool.xmlsec1()
        let directory = try TemporaryDirectory("xmlsig")
        defer { directory.remove() }
        for key in [archive, try SignatureTestKey.rsa("archive-rsa")] {
            let publicKey = try directory.write(Array(key.publicPEM.utf8), to: "\(key.name).pub")
            let text = try signed(by: key)
            let file = try directory.write(Array(text.utf8), to: "\(key.name).xml")
            let arguments = [
                "--verify", "--enabled-reference-uris", "empty", "--enabled-key-data", "key-name",
                "--pubkey-pem:\(key.name)", publicKey,
            ]
            let result = try xmlsec1.run(arguments + [file])
            #expect(result.status == 0, "xmlsec1 refused \(key.name): \(result.standardError)")
            // The control: the same command refuses the record once one word of it is changed.
            let changed = try directory.write(
                Array(text.replacingOccurrences(of: "clerk", with: "clerc").utf8), to: "\(key.name)-changed.xml")
            #expect(try xmlsec1.run(arguments + [changed]).status != 0)
        }
    }

    @Test("a signature xmlsec1 makes from Docket's shape verifies in Docket")
    func docketVerifiesXMLSec1Signatures() throws {
        let text = try Self.signedByXMLSec1(SignatureTemplate(), key: archive)
        #expect(try verify(text, with: verifier(archive)) == "archive")
    }

    // MARK: - Tampering with what was signed

    @Test(
        "a change to the signed content is refused",
        arguments: [
            ("one byte of text", "<by>clerk</by>", "<by>clerc</by>"),
            ("an attribute value", #"id="x""#, #"id="y""#),
            ("a second element added", "<by>clerk</by>", "<by>clerk</by><by>mayor</by>"),
            ("an element removed", "<at>2026-12-02T01:00:00Z</at>", ""),
        ])
    func changedContent(_ change: (String, String, String)) throws {
        let (what, from, to) = change
        let text = try signed(by: archive)
        #expect(text.contains(from), "the record no longer contains \(from)")
        let error = signatureError {
            try verify(text.replacingOccurrences(of: from, with: to), with: verifier(archive))
        }
        guard case .signatureInvalid(keyName: "archive", let reasons) = error else {
            Issue.record("\(what): expected signatureInvalid, got \(String(describing: error))")
            return
        }
        // xmlsec's own words reach the error (through ErrorCapture, not stderr).
        #expect(reasons.contains { $0.contains("digest") }, "\(what): \(reasons)")
    }

    @Test("one changed character of the signature value is refused")
    func changedSignatureValue() throws {
        let text = try signed(by: archive)
        let start = try #require(text.range(of: "<ds:SignatureValue>")).upperBound
        let character = text[start]
        let tampered = text.replacingCharacters(in: start...start, with: character == "A" ? "B" : "A")
        let error = signatureError { try verify(tampered, with: verifier(archive)) }
        guard case .signatureInvalid = error else {
            Issue.record("expected signatureInvalid, got \(String(describing: error))")
            return
        }
    }

    // MARK: - Signature wrapping

    @Test(
        "a signature that no longer envelops the root, or is not the only one, is refused",
        arguments: [
            "the signed root wrapped in a new root", "the signature moved to the root's first child",
            "the signature moved into a child element", "a second signature added",
            "an altered copy beside the signed original in a wrapper",
        ])
    func wrapping(_ attack: String) throws {
        let text = try signed(by: archive)
        let signature = String(
            try #require(
                text.range(of: #"<ds:Signature[\s\S]*</ds:Signature>"#, options: .regularExpression).map { text[$0] }))
        let unsigned = text.replacingOccurrences(of: signature, with: "")
        let body = String(
            try #require(text.range(of: #"<event[\s\S]*</event>"#, options: .regularExpression).map { text[$0] }))
        let wrapped: String
        switch attack {
        case "the signed root wrapped in a new root":
            wrapped = "<wrapper>\(body)</wrapper>"
        case "the signature moved to the root's first child":
            wrapped = unsigned.replacingOccurrences(of: #"id="x">"#, with: #"id="x">"# + signature)
        case "the signature moved into a child element":
            wrapped = unsigned.replacingOccurrences(of: "</note>", with: signature + "</note>")
        case "a second signature added":
            wrapped = text.replacingOccurrences(of: "</note>", with: signature + "</note>")
        default:
            let altered = body.replacingOccurrences(of: "clerk", with: "mayor").replacingOccurrences(
                of: signature, with: "")
            wrapped = "<wrapper>\(altered)\(body)</wrapper>"
        }
        let error = signatureError { try verify(wrapped, with: verifier(archive)) }
        guard case .malformedSignature(let reason) = error else {
            Issue.record("\(attack): expected malformedSignature, got \(String(describing: error))")
            return
        }
        let expected = attack == "a second signature added" ? "found 2" : "last child element of the root"
        #expect(reason.contains(expected), "\(attack): \(reason)")
    }

    @Test("the signature moved to envelop a forged root holding the signed original is refused")
    func forgedRootAroundOriginal() throws {
        let text = try signed(by: archive)
        let signature = String(
            try #require(
                text.range(of: #"<ds:Signature[\s\S]*</ds:Signature>"#, options: .regularExpression).map { text[$0] }))
        let original = text.replacingOccurrences(of: signature, with: "")
            .replacingOccurrences(of: #"<?xml version="1.0" encoding="UTF-8"?>"#, with: "")
        let forged = #"<event xmlns="urn:docket:event" id="x"><by>mayor</by>"# + original + signature + "</event>"
        let error = signatureError { try verify(forged, with: verifier(archive)) }
        guard case .signatureInvalid = error else {
            Issue.record("expected signatureInvalid, got \(String(describing: error))")
            return
        }
    }

    // MARK: - Keys

    @Test("a signature naming an unknown key is refused with that name")
    func unknownKey() throws {
        let error = signatureError { try verify(signed(by: archive), with: verifier(SignatureTestKey.ecdsa("other"))) }
        #expect(error == .untrustedKey(name: "archive"))
        #expect(String(describing: error).contains("'archive'"))
    }

    @Test("a trusted name on a signature made with another key is refused (the wrong trusted key)")
    func wrongKeyUnderTrustedName() throws {
        let impostor = SignatureTestKey.ecdsa("archive")
        let error = signatureError { try verify(signed(by: impostor), with: verifier(archive)) }
        guard case .signatureInvalid(keyName: "archive", _) = error else {
            Issue.record("expected signatureInvalid, got \(String(describing: error))")
            return
        }
    }

    @Test("a trusted name on a signature of the other algorithm is refused before any cryptography")
    func algorithmMismatch() throws {
        let impostor = try SignatureTestKey.rsa("archive")
        let error = signatureError { try verify(signed(by: impostor), with: verifier(archive)) }
        #expect(
            error
                == .algorithmMismatch(keyName: "archive", keyAlgorithm: "ECDSA P-256", signatureMethod: DSig.rsaSHA256))
    }

    @Test("an attacker's valid signature carrying its own KeyValue under a trusted name is refused")
    func attackerKeyValue() throws {
        let xmlsec1 = try ExternalTool.xmlsec1()
        let attacker = try SignatureTestKey.rsa("archive")
        let text = try Self.signedByXMLSec1(
            SignatureTemplate(
                signatureMethod: DSig.rsaSHA256,
                keyInfo: "<ds:KeyName>archive</ds:KeyName><ds:KeyValue/>"),
            key: attacker)
        #expect(text.contains("RSAKeyValue"), "xmlsec1 wrote no KeyValue")
        // The control: the signature is valid by the key it carries (xmlsec1 given no key at all).
        let directory = try TemporaryDirectory("xmlsig")
        defer { directory.remove() }
        let file = try directory.write(Array(text.utf8), to: "attack.xml")
        let carried = try xmlsec1.run(["--verify", file])
        #expect(carried.status == 0, "xmlsec1 did not accept the carried key: \(carried.standardError)")
        let trustingRSA = try SignatureTestKey.rsa("archive")
        let error = signatureError { try verify(text, with: verifier(trustingRSA)) }
        guard case .malformedSignature(let reason) = error else {
            Issue.record("expected malformedSignature, got \(String(describing: error))")
            return
        }
        #expect(reason.contains("KeyValue"))
    }

    @Test("an unusable key is refused when it is read")
    func unusableKeys() throws {
        let p384 = P384.Signing.PrivateKey()
        #expect(throws: XMLSignatureError.self) {
            try XMLSigningKey(name: "big", privateKeyPEM: p384.pemRepresentation)
        }
        #expect(throws: XMLSignatureError.self) {
            try XMLTrustedKey(
                name: "garbage", publicKeyPEM: "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n")
        }
        #expect(throws: XMLSignatureError.self) {
            try XMLTrustedKey(name: " padded", publicKeyPEM: archive.publicPEM)
        }
        #expect(throws: XMLSignatureError.duplicateKeyName("archive")) {
            try XMLSignatureVerifier(trustedKeys: [archive.trusted(), SignatureTestKey.ecdsa("archive").trusted()])
        }
    }

    // MARK: - Other shapes, validly signed by the trusted key, are refused

    @Test(
        "a signature by the trusted key in another shape is refused, though xmlsec1 accepts it",
        arguments: [
            ("a Reference to an element by id", SignatureTemplate(referenceURI: "#x"), #"URI="""#),
            (
                "only the enveloped transform", SignatureTemplate(transforms: [.transform(DSig.enveloped)]),
                "ds:Transforms must"
            ),
            (
                "an XPath transform leaving the note unsigned",
                SignatureTemplate.noteLeftUnsigned,
                "ds:Transforms must"
            ),
            (
                "inclusive C14N of SignedInfo", SignatureTemplate(canonicalization: DSig.inclusiveC14N),
                DSig.inclusiveC14N
            ),
            ("two References", SignatureTemplate(references: 2), "ds:SignedInfo must"),
        ])
    func otherShapes(_ shape: (String, SignatureTemplate, String)) throws {
        let (what, template, reasonFragment) = shape
        let text = try Self.signedByXMLSec1(template, key: archive)
        // The control: the signature is cryptographically valid for the trusted public key.
        let directory = try TemporaryDirectory("xmlsig")
        defer { directory.remove() }
        let publicKey = try directory.write(Array(archive.publicPEM.utf8), to: "archive.pub")
        let file = try directory.write(Array(text.utf8), to: "shape.xml")
        let control = try ExternalTool.xmlsec1().run(
            ["--verify", "--pubkey-pem:archive", publicKey, "--id-attr:id", "urn:docket:event:event", file])
        #expect(control.status == 0, "\(what): xmlsec1 refused the control: \(control.standardError)")
        let error = signatureError { try verify(text, with: verifier(archive)) }
        guard case .malformedSignature(let reason) = error else {
            Issue.record("\(what): expected malformedSignature, got \(String(describing: error))")
            return
        }
        #expect(reason.contains(reasonFragment), "\(what): the reason does not say what is wrong: \(reason)")
    }

    // MARK: - Hostile documents

    @Test("a signed document with a DOCTYPE is refused by the hardened parser")
    func doctype() throws {
        let text = try signed(by: archive).replacingOccurrences(
            of: "<event ", with: "<!DOCTYPE event [<!ENTITY who \"mayor\">]>\n<event ")
        let error = #expect(throws: XMLError.self) { try verify(text, with: verifier(archive)) }
        guard case .doctypeRefused = error else {
            Issue.record("expected doctypeRefused, got \(String(describing: error))")
            return
        }
    }

    @Test("a document that is already signed is not signed again")
    func alreadySigned() throws {
        let error = signatureError {
            String(decoding: try archive.signer().sign(Array(signed(by: archive).utf8)), as: UTF8.self)
        }
        guard case .signingFailed = error else {
            Issue.record("expected signingFailed, got \(String(describing: error))")
            return
        }
    }

    // MARK: - Signatures made by xmlsec1

    /// Signs the record with `xmlsec1 --sign` from a template, with the key's private half.
    static func signedByXMLSec1(_ template: SignatureTemplate, key: SignatureTestKey) throws -> String {
        let directory = try TemporaryDirectory("xmlsig")
        defer { directory.remove() }
        let privateKey = try directory.write(Array(key.privatePEM.utf8), to: "key.pem")
        let input = try directory.write(Array(template.document(Self.record).utf8), to: "template.xml")
        let output = directory.path("signed.xml")
        try ExternalTool.xmlsec1().runSucceeding([
            "--sign", "--privkey-pem:\(key.name)", privateKey, "--id-attr:id", "urn:docket:event:event",
            "--output", output, input,
        ])
        return try String(contentsOfFile: output, encoding: .utf8)
    }
}

/// An unsigned `ds:Signature` for `xmlsec1 --sign` to fill in, by default in Docket's shape.
struct SignatureTemplate: Sendable, CustomStringConvertible {
    var canonicalization = DSig.exclusiveC14N
    var signatureMethod = DSig.ecdsaSHA256
    var referenceURI = ""
    /// The `ds:Transform` elements of each Reference.
    var transforms: [String] = [.transform(DSig.enveloped), .transform(DSig.exclusiveC14N)]
    var references = 1
    var keyInfo = "<ds:KeyName>archive</ds:KeyName>"

    /// A valid-looking shape that signs everything but the note: an XPath transform drops it.
    static let noteLeftUnsigned = SignatureTemplate(transforms: [
        .transform(DSig.enveloped),
        .transform(DSig.xpath, "<ds:XPath>not(ancestor-or-self::*[local-name()='note'])</ds:XPath>"),
        .transform(DSig.exclusiveC14N),
    ])

    var description: String { "SignatureTemplate(\(referenceURI), \(transforms.count) transforms)" }

    /// `record` with the template appended as the last child of its root.
    func document(_ record: String) -> String {
        let transformElements = transforms.joined()
        let reference = """
            <ds:Reference URI="\(referenceURI)"><ds:Transforms>\(transformElements)</ds:Transforms>\
            <ds:DigestMethod Algorithm="\(DSig.sha256)"/><ds:DigestValue/></ds:Reference>
            """
        let signature = """
            <ds:Signature xmlns:ds="\(DSig.namespace)"><ds:SignedInfo>\
            <ds:CanonicalizationMethod Algorithm="\(canonicalization)"/>\
            <ds:SignatureMethod Algorithm="\(signatureMethod)"/>\
            \(String(repeating: reference, count: references))</ds:SignedInfo>\
            <ds:SignatureValue/><ds:KeyInfo>\(keyInfo)</ds:KeyInfo></ds:Signature>
            """
        return record.replacingOccurrences(of: "</event>", with: signature + "</event>")
    }
}

extension String {
    /// A `ds:Transform` element with its parameters (for `SignatureTemplate.transforms`).
    static func transform(_ algorithm: String, _ parameters: String = "") -> String {
        "<ds:Transform Algorithm=\"\(algorithm)\">\(parameters)</ds:Transform>"
    }
}
