import Foundation
import Testing

@testable import OpenIDConnect

/// The pieces of the flow that are values: pending sign-ins, PKCE, the configuration file and
/// the identity a verified token gives.
@Suite struct SignInFlowTests {
    @Test func thePKCEChallengeIsRFC7636s() {
        // RFC 7636, appendix B.
        #expect(
            PendingSignIns.codeChallenge(for: "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")
                == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM")
        let verifier = PendingSignIns.randomToken()
        #expect((43...128).contains(verifier.count))
    }

    @Test func aPendingSignInIsUsedOnceByItsOwnBrowserWithinTenMinutes() async {
        let clock = TestClock()
        let pending = PendingSignIns(now: clock.read)
        let (state, sign) = await pending.begin(returnTo: "/submissions")
        #expect(await pending.take(state: state, browserBinding: sign.browserBinding)?.returnTo == "/submissions")
        #expect(await pending.take(state: state, browserBinding: sign.browserBinding) == nil, "a replayed state")

        let (stolen, _) = await pending.begin(returnTo: "/")
        #expect(await pending.take(state: stolen, browserBinding: "another-browser") == nil)

        let (late, lateSign) = await pending.begin(returnTo: "/")
        clock.advance(601)
        #expect(await pending.take(state: late, browserBinding: lateSign.browserBinding) == nil)
    }

    @Test func everyValueOfEveryRoleClaimCounts() {
        let configuration = OIDCConfiguration(
            issuer: "https://id.example", clientID: "c", clientSecret: "s",
            redirectURL: URL(string: "https://docket.example/sign-in/oidc/callback")!,
            roleMapping: ["g-officers": ["officer"], "g-clerks": ["clerk", "viewer"], "Docket.Admin": ["admin"]])
        let claims: [String: ClaimValue] = [
            "iss": .string("https://id.example"), "sub": .string("abc"), "email": .string("jo@council.example"),
            "groups": .array([.string("g-unrelated"), .string("g-officers"), .string("g-clerks")]),
            "roles": .string("Docket.Admin"),
        ]
        let identity = SignedInIdentity(claims: claims, configuration: configuration)
        #expect(identity.roleNames == ["officer", "clerk", "viewer", "admin"])
        #expect(identity.nameHint == "jo@council.example", "no preferred_username: the email")

        let unmapped = SignedInIdentity(
            claims: ["sub": .string("abc"), "groups": .array([.string("g-unrelated")])], configuration: configuration)
        #expect(unmapped.roleNames.isEmpty)
        #expect(unmapped.nameHint == "abc")
    }

    @Test func theConfigurationFileIsCheckedFieldByField() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("oidc-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let secret = directory.appendingPathComponent("secret").path
        try Data("  s3cret\n".utf8).write(to: URL(fileURLWithPath: secret))
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: secret)
        let roles: Set<String> = ["officer", "clerk", "admin"]

        func load(_ json: String) throws(OIDCError) -> OIDCConfiguration {
            let path = directory.appendingPathComponent("oidc.json").path
            _ = FileManager.default.createFile(atPath: path, contents: Data(json.utf8))
            return try OIDCConfiguration.load(from: path, knownRoles: roles)
        }
        let good = try load(
            #"{"issuer": "https://login.example/t/v2.0", "client_id": "abc", "client_secret_file": "\#(secret)","#
                + #" "redirect_url": "https://docket.example/sign-in/oidc/callback","#
                + #" "role_mapping": {"g1": ["officer"], "g2": ["clerk", "admin"]}}"#)
        #expect(good.clientSecret == "s3cret")
        #expect(good.scopes == ["openid", "profile", "email"])
        #expect(good.nameClaim == "preferred_username")
        #expect(good.roleClaims == ["groups", "roles"])

        func refused(_ json: String, naming field: String) {
            #expect {
                _ = try load(json)
            } throws: { error in
                "\(error)".contains(field)
            }
        }
        refused(
            #"{"issuer": "https://i", "client_secret_file": "\#(secret)", "redirect_url": "https://d/cb"}"#,
            naming: "'client_id' is missing")
        refused(
            #"{"issuer": "https://i", "client_id": "a", "client_secret_file": "\#(secret)", "redirect_url": "https://d/cb","#
                + #" "role_mapping": {"g1": ["superuser"]}}"#, naming: "'superuser'")
        refused(
            #"{"issuer": "i", "client_id": "a", "client_secret_file": "\#(secret)", "redirect_url": "https://d/cb"}"#,
            naming: "'issuer'")
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: secret)
        refused(
            #"{"issuer": "https://i", "client_id": "a", "client_secret_file": "\#(secret)", "redirect_url": "https://d/cb"}"#,
            naming: "readable by everyone")
        try Data("\n".utf8).write(to: URL(fileURLWithPath: secret))
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: secret)
        refused(
            #"{"issuer": "https://i", "client_id": "a", "client_secret_file": "\#(secret)", "redirect_url": "https://d/cb"}"#,
            naming: "is empty")
    }
}
