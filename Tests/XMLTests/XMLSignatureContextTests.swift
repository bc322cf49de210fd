import Foundation
import TestSupport
import Testing

@testable import XML

/// xmlsec's own restrictions, reached without Docket's shape check: the second of the two locks
/// (`SignatureContext`), each shown refusing a signature the trusted key really made.
@Suite("xmlsec's context restrictions, without the shape check")
struct XMLSignatureContextTests {
    let archive = SignatureTestKey.ecdsa("archive")

    /// Runs only the xmlsec step of verification on `text`'s one `ds:Signature`.
    private func checkValueOnly(_ text: String, with key: SignatureTestKey) throws {
        let document = try XMLDocument(parsing: text)
        let signature = try #require(
            try document.nodes("//ds:Signature", namespaces: ["ds": DSig.namespace]).first)
        let verifier = try XMLSignatureVerifier(trustedKeys: [key.trusted()])
        try verifier.checkValue(of: signature, with: key.trusted())
    }

    @Test("the control: Docket's own shape passes the xmlsec step")
    func docketShapePasses() throws {
        let text = try XMLSignatureTests.signedByXMLSec1(SignatureTemplate(), key: archive)
        try checkValueOnly(text, with: archive)
    }

    @Test(
        "xmlsec refuses a reference by id, an XPath transform and inclusive C14N of SignedInfo",
        arguments: [
            ("a Reference to an element by id", SignatureTemplate(referenceURI: "#x"), "invalid URI type"),
            (
                "an XPath transform",
                SignatureTemplate.noteLeftUnsigned,
                "transform is disabled: href=\(DSig.xpath)"
            ),
            (
                "inclusive C14N of SignedInfo", SignatureTemplate(canonicalization: DSig.inclusiveC14N),
                "transform is disabled: href=\(DSig.inclusiveC14N)"
            ),
        ])
    func restricted(_ shape: (String, SignatureTemplate, String)) throws {
        let (what, template, reason) = shape
        let text = try XMLSignatureTests.signedByXMLSec1(template, key: archive)
        let error = #expect(throws: XMLSignatureError.self, "\(what) passed xmlsec's restricted context") {
            try checkValueOnly(text, with: archive)
        }
        // Refused by the restriction itself, in xmlsec's words, not by some later failure.
        #expect(String(describing: error).contains(reason), "\(what): \(String(describing: error))")
    }

    @Test("xmlsec never takes the key from KeyValue: an attacker's self-verifying signature fails")
    func keyValueIgnored() throws {
        // RSA: xmlsec 1.2 cannot write an ECDSA KeyValue.
        let attacker = try SignatureTestKey.rsa("archive")
        let text = try XMLSignatureTests.signedByXMLSec1(
            SignatureTemplate(
                signatureMethod: DSig.rsaSHA256, keyInfo: "<ds:KeyName>archive</ds:KeyName><ds:KeyValue/>"),
            key: attacker)
        #expect(text.contains("RSAKeyValue"), "xmlsec1 wrote no KeyValue")
        let trusted = try SignatureTestKey.rsa("archive")
        #expect(throws: XMLSignatureError.self) { try checkValueOnly(text, with: trusted) }
    }
}
