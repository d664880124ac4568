import ClusterdCore

/// Removes secrets from log text: each configured secret (tokens, API keys, passwords) wherever it appears, and
/// the password of any `scheme://user:password@host` URI; and escapes what a terminal would act on (control and
/// bidirectional characters, which ids and names chosen by clients may carry: `PrintableText`), so a log line is
/// one line and shows what it says.
public struct LogRedactor: Sendable {
    /// What a secret is replaced with.
    public static let mask = "[REDACTED]"

    private let secrets: [String]

    /// A redactor for `secrets` (empty and very short ones, which would mangle ordinary text, are ignored).
    public init(secrets: [String] = []) {
        self.secrets = Array(Set(secrets.filter { $0.count >= 4 })).sorted { $0.count > $1.count }
    }

    /// `text` with every secret masked and every control or bidirectional character escaped.
    public func scrub(_ text: String) -> String {
        var text = text
        for secret in secrets where text.contains(secret) {
            text = text.replacingOccurrences(of: secret, with: Self.mask)
        }
        return PrintableText.escaped(Self.maskURIPasswords(text))
    }

    /// `mongodb://user:pw@host` → `mongodb://user:[REDACTED]@host`.
    static func maskURIPasswords(_ text: String) -> String {
        guard text.contains("://") else { return text }
        return text.replacing(/(?<scheme>[A-Za-z][A-Za-z0-9+.\-]*:\/\/)(?<user>[^:\/@\s]*):(?<password>[^@\/\s]+)@/) {
            match in
            "\(match.output.scheme)\(match.output.user):\(mask)@"
        }
    }
}

extension String {
    fileprivate func replacingOccurrences(of target: String, with replacement: String) -> String {
        var result = ""
        var rest = self[...]
        while let range = rest.range(of: target) {
            result += rest[..<range.lowerBound]
            result += replacement
            rest = rest[range.upperBound...]
        }
        return result + rest
    }
}
