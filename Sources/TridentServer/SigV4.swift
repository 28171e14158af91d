import Crypto
import DynamoModel
import FoundationEssentials
import Synchronization

/// AWS Signature Version 4, checked as AWS checks it (`--auth sigv4`): the canonical request built
/// from the method, path, query, the signed headers and the body's SHA-256; the string to sign;
/// the HMAC-SHA256 key chain from the secret through date, region and service. A request must be
/// signed by a known access key, within 15 minutes of the server's time; a session token is
/// accepted. Errors are DynamoDB's, with HTTP 400.
final class SigV4: Sendable {
    /// Access key id → secret access key.
    private let secrets: [String: String]
    /// Signing keys by (access key, date, region, service): derived once a day per client.
    private let keys = Mutex<[String: [UInt8]]>([:])
    static let allowedSkew: Int64 = 15 * 60

    init(secrets: [String: String]) {
        self.secrets = secrets
    }

    /// Nil when `request` is signed as it should be, else the error to answer.
    func check(_ request: HTTPRequest, now: Int64) -> DynamoError? {
        let fields = HeaderFields(request.head ?? [])
        guard let authorization = fields.value("authorization") else { return .missingAuthenticationToken }
        guard let auth = Authorization(authorization) else { return .incompleteSignature(authorization) }
        let scope = auth.credential.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard scope.count == 5, scope[4] == "aws4_request" else { return .incompleteSignature(authorization) }
        guard let secret = secrets[scope[0]] else { return .unrecognizedClient }
        guard let amzDate = fields.value("x-amz-date"), let signedAt = Self.epochSeconds(amzDate) else {
            return .incompleteSignature(authorization)
        }
        if now - signedAt > Self.allowedSkew {
            return .invalidSignature(
                "Signature expired: \(amzDate) is now earlier than \(Self.stamp(now - Self.allowedSkew)) (\(Self.stamp(now)) - 15 min.)")
        }
        if signedAt - now > Self.allowedSkew {
            return .invalidSignature(
                "Signature not yet current: \(amzDate) is still later than \(Self.stamp(now + Self.allowedSkew)) (\(Self.stamp(now)) + 15 min.)")
        }
        let canonical = canonicalRequest(request, fields: fields, signed: auth.signedHeaders)
        let toSign = "AWS4-HMAC-SHA256\n\(amzDate)\n\(scope[1...4].joined(separator: "/"))\n\(Self.hex(SHA256.hash(data: Array(canonical.utf8))))"
        let key = signingKey(accessKey: scope[0], secret: secret, date: scope[1], region: scope[2], service: scope[3])
        let expected = Self.hex(HMAC<SHA256>.authenticationCode(for: Array(toSign.utf8), using: key))
        guard Self.constantTimeEqual(expected, auth.signature) else { return .invalidSignature(DynamoError.signatureMismatch) }
        return nil
    }

    private func canonicalRequest(_ request: HTTPRequest, fields: HeaderFields, signed: [String]) -> String {
        let (path, query) = request.uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).map(String.init).pair
        let canonicalQuery = query.split(separator: "&").map(String.init).sorted().joined(separator: "&")
        var out = "\(request.method.rawValue)\n\(path.isEmpty ? "/" : path)\n\(canonicalQuery)\n"
        for name in signed { out += "\(name):\(fields.canonicalValue(name))\n" }
        out += "\n" + signed.joined(separator: ";") + "\n" + Self.hex(SHA256.hash(data: request.body))
        return out
    }

    private func signingKey(accessKey: String, secret: String, date: String, region: String, service: String) -> SymmetricKey {
        let id = [accessKey, date, region, service].joined(separator: "/")
        if let bytes = keys.withLock({ $0[id] }) { return SymmetricKey(data: bytes) }
        var bytes = Array("AWS4\(secret)".utf8)
        for part in [date, region, service, "aws4_request"] {
            bytes = Array(HMAC<SHA256>.authenticationCode(for: Array(part.utf8), using: SymmetricKey(data: bytes)))
        }
        let derived = bytes
        keys.withLock { cache in
            if cache.count > 1000 { cache.removeAll() }
            cache[id] = derived
        }
        return SymmetricKey(data: derived)
    }

    static func hex(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 15)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }

    /// `yyyyMMdd'T'HHmmss'Z'` as seconds since the epoch.
    static func epochSeconds(_ stamp: String) -> Int64? {
        let b = Array(stamp.utf8)
        guard b.count == 16, b[8] == UInt8(ascii: "T"), b[15] == UInt8(ascii: "Z") else { return nil }
        func number(_ range: Range<Int>) -> Int64? { Int64(String(decoding: b[range], as: UTF8.self)) }
        guard let y = number(0..<4), let mo = number(4..<6), let d = number(6..<8), let h = number(9..<11), let mi = number(11..<13),
            let s = number(13..<15), (1...12).contains(mo), (1...31).contains(d), h < 24, mi < 60, s < 61
        else { return nil }
        return daysFromCivil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + s
    }

    static func stamp(_ seconds: Int64) -> String {
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let (y, m, d) = CivilDate.fromDays(days)
        let rest = seconds - days * 86_400
        func two(_ n: Int64) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(y)\(two(m))\(two(d))T\(two(rest / 3600))\(two(rest / 60 % 60))\(two(rest % 60))Z"
    }

    // Howard Hinnant's civil-calendar algorithms: no calendar library for a date in a header.
    private static func daysFromCivil(_ year: Int64, _ month: Int64, _ day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}

/// `AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…`.
private struct Authorization {
    let credential: String
    let signedHeaders: [String]
    let signature: String

    init?(_ value: String) {
        guard value.hasPrefix("AWS4-HMAC-SHA256 ") else { return nil }
        var parts: [String: String] = [:]
        for part in value.dropFirst("AWS4-HMAC-SHA256 ".count).split(separator: ",") {
            let pair = part.split(separator: "=", maxSplits: 1).map { $0.trimmingSpaces }
            if pair.count == 2 { parts[pair[0]] = pair[1] }
        }
        guard let credential = parts["Credential"], let signed = parts["SignedHeaders"], let signature = parts["Signature"] else { return nil }
        self.credential = credential
        signedHeaders = signed.split(separator: ";").map { $0.lowercased() }
        self.signature = signature
    }
}

/// Every field of a raw request head, by lowercase name (SigV4 signs fields the router never reads).
private struct HeaderFields {
    private var fields: [String: [String]] = [:]

    init(_ head: [UInt8]) {
        let text = String(decoding: head, as: UTF8.self)
        for line in text.split(separator: "\r\n", omittingEmptySubsequences: true).dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            fields[line[..<colon].lowercased(), default: []].append(String(line[line.index(after: colon)...]))
        }
    }

    func value(_ name: String) -> String? {
        fields[name]?.first.map { $0.trimmingSpaces }
    }

    /// Values trimmed, runs of spaces made one, several fields of the name joined by commas.
    func canonicalValue(_ name: String) -> String {
        (fields[name] ?? []).map { $0.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ").trimmingSpaces }
            .joined(separator: ",")
    }
}

extension StringProtocol {
    fileprivate var trimmingSpaces: String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}

extension Array where Element == String {
    fileprivate var pair: (String, String) { (self.first ?? "", count > 1 ? self[1] : "") }
}
