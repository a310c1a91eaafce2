import Crypto
import Store
import Foundation

/// Random values, their hashes, and small encrypted blobs, for states, nonces, PKCE verifiers
/// and session cookies. What the database keeps of each is its SHA-256 or data encrypted under a
/// key derived from it, so a copy of the database alone cannot finish a sign-in or use a session.
enum Secrets {
    /// 32 random bytes, base64url (43 characters: also a valid PKCE verifier, RFC 7636 §4.1).
    static func random() -> String {
        var generator = SystemRandomNumberGenerator()
        return Base64URL.encode((0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) })
    }

    static func sha256(_ text: String) -> String {
        SHA256.hash(data: Data(text.utf8)).hex
    }

    /// The PKCE S256 challenge of a verifier.
    static func challenge(_ verifier: String) -> String { Base64URL.encode(SHA256.hash(data: Data(verifier.utf8))) }

    private static func key(_ secret: String, _ purpose: String) -> SymmetricKey {
        HKDF<SHA256>.deriveKey(inputKeyMaterial: SymmetricKey(data: Data(secret.utf8)), info: Data(purpose.utf8), outputByteCount: 32)
    }

    /// `value` as JSON, encrypted (AES-GCM) under a key derived from `secret`.
    static func seal<T: Encodable>(_ value: T, under secret: String, purpose: String) -> [UInt8] {
        let plain = (try? JSONEncoder().encode(value)) ?? Data()
        // AES-GCM with a fresh random nonce cannot fail for a valid 256-bit key.
        return Array(try! AES.GCM.seal(plain, using: key(secret, purpose)).combined!)
    }

    static func open<T: Decodable>(_ sealed: [UInt8], under secret: String, purpose: String, as: T.Type) -> T? {
        guard let box = try? AES.GCM.SealedBox(combined: sealed), let plain = try? AES.GCM.open(box, using: key(secret, purpose)) else { return nil }
        return try? JSONDecoder().decode(T.self, from: plain)
    }
}

/// The keyed digest of a national personal code: HMAC-SHA256 under the server's secret, hex.
/// The same person signing in through two providers gets the same digest (petitions count one
/// signature per digest); without the secret the digest cannot be turned back into a code by
/// trying the few million codes there are.
public struct PersonalCodeDigest: Sendable {
    private let key: SymmetricKey

    public init(secret: String) { key = SymmetricKey(data: Data(secret.utf8)) }

    /// Codes are compared on their letters and digits, upper-cased: "LT 3900-101-0000" and
    /// "lt39001010000" are the same code.
    public static func normalised(_ code: String) -> String {
        String(code.unicodeScalars.filter { CharacterSet.alphanumerics.contains($0) && $0.isASCII }.map(Character.init)).uppercased()
    }

    public func digest(_ code: String) -> String {
        HMAC<SHA256>.authenticationCode(for: Data(Self.normalised(code).utf8), using: key).hex
    }
}
