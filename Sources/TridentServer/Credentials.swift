import FoundationEssentials

/// The access keys `--auth sigv4` accepts: every profile of an AWS shared credentials file (the
/// INI format of `~/.aws/credentials`), and the environment's `AWS_ACCESS_KEY_ID` /
/// `AWS_SECRET_ACCESS_KEY`.
public enum Credentials {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// Access key id → secret access key.
    public static func load(file: String?, environment: [String: String]) throws -> [String: String] {
        var keys: [String: String] = [:]
        if let file {
            guard let data = FileManager.default.contents(atPath: file) else { throw Failure(description: "cannot read credentials file \(file)") }
            keys = try parse(String(decoding: data, as: UTF8.self), file: file)
        }
        if let id = environment["AWS_ACCESS_KEY_ID"], let secret = environment["AWS_SECRET_ACCESS_KEY"], !id.isEmpty {
            keys[id] = secret
        }
        guard !keys.isEmpty else {
            throw Failure(description: "--auth sigv4 needs access keys: --credentials FILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY")
        }
        return keys
    }

    /// `[profile]` sections of `key = value` lines; `#` and `;` start comments.
    static func parse(_ text: String, file: String) throws -> [String: String] {
        var keys: [String: String] = [:]
        var section: (id: String?, secret: String?, name: String)?
        func finish() throws {
            guard let current = section else { return }
            switch (current.id, current.secret) {
            case let (id?, secret?): keys[id] = secret
            case (nil, nil): break
            default: throw Failure(description: "\(file): profile [\(current.name)] needs both aws_access_key_id and aws_secret_access_key")
            }
        }
        for raw in text.split(whereSeparator: \.isNewline) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("[") && line.hasSuffix("]") {
                try finish()
                section = (nil, nil, String(line.dropFirst().dropLast()))
                continue
            }
            let pair = line.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2, section != nil else { continue }
            switch pair[0].lowercased() {
            case "aws_access_key_id": section?.id = pair[1]
            case "aws_secret_access_key": section?.secret = pair[1]
            default: continue
            }
        }
        try finish()
        return keys
    }
}
