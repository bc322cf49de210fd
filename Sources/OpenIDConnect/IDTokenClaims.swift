import Foundation
import JWTKit

/// One claim's value as JSON gave it.
public enum ClaimValue: Sendable, Equatable, Decodable {
    case string(String)
    case number(Double)
    case bool(Bool)
    case array([ClaimValue])
    case object([String: ClaimValue])
    case null

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([ClaimValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: ClaimValue].self))
        }
    }

    /// The value as text, when it is a string.
    var text: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    /// Every string this value holds: itself, or each string of a list (Entra's `groups` and
    /// `roles` are lists; some providers send a single group as a string).
    var strings: [String] {
        switch self {
        case .string(let text): [text]
        case .array(let values): values.compactMap(\.text)
        case .number, .bool, .object, .null: []
        }
    }

    /// A NumericDate (seconds since 1970).
    var seconds: Double? {
        if case .number(let value) = self { return value }
        return nil
    }
}

/// An ID token's payload, every claim kept (the name and role claims are configurable).
/// Checked by `IDTokenVerifier`, not by jwt-kit's payload hook, so that the clock can be given.
struct IDTokenClaims: JWTPayload {
    var claims: [String: ClaimValue]

    init(from decoder: any Decoder) throws {
        claims = try [String: ClaimValue](from: decoder)
    }

    func encode(to encoder: any Encoder) throws {
        // Only decoded here; never signed or sent on.
        throw EncodingError.invalidValue(
            self, .init(codingPath: encoder.codingPath, debugDescription: "ID token claims are not re-encoded"))
    }

    func verify(using algorithm: some JWTAlgorithm) async throws {}

    subscript(name: String) -> ClaimValue? { claims[name] }
}
