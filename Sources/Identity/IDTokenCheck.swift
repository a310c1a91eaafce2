import Crypto
import Foundation
import JWTKit

/// The checks of an ID token from the token endpoint (OpenID Connect Core §3.1.3.7), in order:
/// the algorithm (RS256 or ES256 only), the key by `kid` (read again once when unknown), the
/// signature (jwt-kit), then `iss` exactly, `aud` containing the client id (and `azp` when there
/// are several), `exp` and `iat` within 60 s of skew, the `nonce` sent, `at_hash` when present,
/// and an `acr` at least the level asked. The first failure refuses the token.
struct IDTokenCheck: Sendable {
    var settings: ProviderSettings
    var nonce: String
    var requiredLevel: AssuranceLevel
    /// The access token that came with the ID token, for `at_hash`.
    var accessToken: String?
    var now: Date

    /// Clocks differ: a token may be this many seconds "early" or "late".
    static let skew: TimeInterval = 60

    func verify(_ token: String, directory: ProviderDirectory) async throws(IdentityError) -> VerifiedClaims {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let headerBytes = Base64URL.decode(parts[0]),
              let header = (try? JSONSerialization.jsonObject(with: Data(headerBytes))) as? [String: Any] else {
            throw .invalidToken("the ID token is not a signed JWT")
        }
        let alg = header["alg"] as? String ?? "none"
        guard ProviderKeySet.algorithms.contains(alg) else { throw .invalidToken("its algorithm \(alg) is not accepted (RS256 or ES256 only)") }
        guard header["crit"] == nil else { throw .invalidToken("it names critical header extensions Miestas does not know") }
        let kid = header["kid"] as? String
        guard let key = try await directory.key(kid, algorithm: alg, settings) else {
            throw .invalidToken("it is signed with a key the provider does not publish (kid \(kid ?? "none"))")
        }
        guard key.algorithm == alg else { throw .invalidToken("its key \(kid ?? "") is for \(key.algorithm), not \(alg)") }
        let payload: IDTokenPayload
        do {
            let collection = JWTKeyCollection()
            try await collection.add(jwk: key.jwk)
            payload = try await collection.verify(token, as: IDTokenPayload.self)
        } catch {
            throw .invalidToken("its signature does not verify with the provider's key \(kid ?? "")")
        }
        return try check(payload.claims)
    }

    /// The claims' checks, after the signature.
    func check(_ claims: [String: ClaimValue]) throws(IdentityError) -> VerifiedClaims {
        guard claims["iss"]?.string == settings.issuer else {
            throw .invalidToken("its issuer is \(claims["iss"]?.string ?? "missing"), not \(settings.issuer)")
        }
        let audiences = claims["aud"]?.strings ?? []
        guard audiences.contains(settings.clientID) else { throw .invalidToken("it is not meant for this client (aud \(audiences.joined(separator: ", ")))") }
        if audiences.count > 1, claims["azp"]?.string != settings.clientID {
            throw .invalidToken("it has several audiences and its azp is not this client")
        }
        guard let exp = claims["exp"]?.number else { throw .invalidToken("it has no expiry (exp)") }
        guard now.timeIntervalSince1970 < exp + Self.skew else { throw .invalidToken("it expired at \(Self.time(exp))") }
        guard let iat = claims["iat"]?.number else { throw .invalidToken("it has no issue time (iat)") }
        guard iat <= now.timeIntervalSince1970 + Self.skew else { throw .invalidToken("it was issued in the future (\(Self.time(iat)))") }
        guard let sent = claims["nonce"]?.string, Self.equal(sent, nonce) else { throw .invalidToken("its nonce is not the one this sign-in sent") }
        if let atHash = claims["at_hash"]?.string {
            guard let accessToken, Self.equal(atHash, Self.atHash(accessToken)) else {
                throw .invalidToken("its at_hash does not match the access token")
            }
        }
        guard let subject = claims["sub"]?.string, !subject.isEmpty, subject.count <= 255 else { throw .invalidToken("it has no subject (sub)") }
        let acr = claims["acr"]?.string
        let level = settings.level(acr: acr)
        guard level >= requiredLevel else { throw .levelTooLow(required: requiredLevel, got: level) }
        let name = claims["name"]?.string
            ?? [claims["given_name"]?.string, claims["family_name"]?.string].compactMap { $0 }.joined(separator: " ")
        return VerifiedClaims(subject: subject, level: level, acr: acr,
                              personalCode: settings.personalCodeClaim.flatMap { claims[$0]?.text },
                              name: name.isEmpty ? nil : String(name.prefix(200)), email: claims["email"]?.string.map { String($0.prefix(254)) },
                              residence: settings.residenceClaim.flatMap { claims[$0]?.text }.flatMap { $0.isEmpty || $0.count > 100 ? nil : $0 })
    }

    /// `at_hash`: the left half of the access token's SHA-256, base64url (RS256 and ES256 both hash with SHA-256).
    static func atHash(_ accessToken: String) -> String {
        Base64URL.encode(Array(SHA256.hash(data: Data(accessToken.utf8))).prefix(16))
    }

    static func equal(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }

    static func time(_ seconds: Double) -> String {
        ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: seconds))
    }
}

/// What a verified ID token says about the person.
public struct VerifiedClaims: Sendable, Equatable {
    public var subject: String
    public var level: AssuranceLevel
    public var acr: String?
    /// The national personal code in clear: hashed at once (`PersonalCodeDigest`), never stored.
    public var personalCode: String?
    public var name: String?
    public var email: String?
    /// The resident's residence as the provider tells it (`residence_claim`), at most 100 characters.
    public var residence: String? = nil

    public init(subject: String, level: AssuranceLevel, acr: String? = nil, personalCode: String? = nil, name: String? = nil,
                email: String? = nil, residence: String? = nil) {
        self.subject = subject; self.level = level; self.acr = acr; self.personalCode = personalCode; self.name = name
        self.email = email; self.residence = residence
    }
}

/// An ID token's payload as jwt-kit hands it over after checking the signature: every claim,
/// checked afterwards by `IDTokenCheck` (whose messages say which claim failed).
struct IDTokenPayload: JWTPayload {
    var claims: [String: ClaimValue]
    init(from decoder: any Decoder) throws { claims = try decoder.singleValueContainer().decode([String: ClaimValue].self) }
    func encode(to encoder: any Encoder) throws { var c = encoder.singleValueContainer(); try c.encode(claims) }
    func verify(using algorithm: some JWTAlgorithm) async throws {}
}

/// A JSON value of a claim.
enum ClaimValue: Codable, Sendable, Equatable {
    case string(String), number(Double), bool(Bool), array([ClaimValue]), object([String: ClaimValue]), null

    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let n = try? c.decode(Double.self) { self = .number(n) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let a = try? c.decode([ClaimValue].self) { self = .array(a) }
        else { self = .object(try c.decode([String: ClaimValue].self)) }
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .string(let s): try c.encode(s)
        case .number(let n): try c.encode(n)
        case .bool(let b): try c.encode(b)
        case .array(let a): try c.encode(a)
        case .object(let o): try c.encode(o)
        case .null: try c.encodeNil()
        }
    }

    var string: String? { if case .string(let s) = self { s } else { nil } }
    var number: Double? { if case .number(let n) = self { n } else { nil } }
    /// A string, or a whole number written without decimals (a personal code sent as a number).
    var text: String? {
        switch self {
        case .string(let s): s
        case .number(let n) where n == n.rounded() && abs(n) < 1e15: String(Int64(n))
        default: nil
        }
    }
    /// `aud`: one string or an array of them.
    var strings: [String]? {
        switch self {
        case .string(let s): [s]
        case .array(let a): a.compactMap(\.string)
        default: nil
        }
    }
}

/// base64url without padding (RFC 7515 §2).
enum Base64URL {
    static func encode<S: Sequence>(_ bytes: S) -> String where S.Element == UInt8 {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func decode<S: StringProtocol>(_ text: S) -> [UInt8]? {
        var s = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while s.count % 4 != 0 { s += "=" }
        return Data(base64Encoded: s).map(Array.init)
    }
}
