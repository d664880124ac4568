import Foundation

/// Reads the JSON object a prompt asked the model to reply with.
///
/// Strict: the reply must be one JSON object and nothing else; only surrounding white space and a Markdown code
/// fence (```` ```json … ``` ````) around it are tolerated.
enum JSONReply {
    /// The object, or nil when the text is not exactly one JSON object.
    static func object(in text: String) -> [String: Any]? {
        var body = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if body.hasPrefix("```") {
            guard let firstNewline = body.firstIndex(of: "\n"), body.hasSuffix("```"), body.count >= 6 else {
                return nil
            }
            body = String(body[body.index(after: firstNewline)..<body.index(body.endIndex, offsetBy: -3)])
                .trimmingCharacters(in: .whitespacesAndNewlines)
        }
        guard body.hasPrefix("{"), body.hasSuffix("}"), let data = body.data(using: .utf8) else { return nil }
        return (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
    }

    /// The JSON array the text is (code fence tolerated as for ``object(in:)``), or nil.
    static func array(in text: String) -> [Any]? {
        var body = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if body.hasPrefix("```"), let firstNewline = body.firstIndex(of: "\n"), body.hasSuffix("```"), body.count >= 6 {
            body = String(body[body.index(after: firstNewline)..<body.index(body.endIndex, offsetBy: -3)])
                .trimmingCharacters(in: .whitespacesAndNewlines)
        }
        guard body.hasPrefix("["), body.hasSuffix("]"), let data = body.data(using: .utf8) else { return nil }
        return (try? JSONSerialization.jsonObject(with: data)) as? [Any]
    }

    /// White space runs collapsed to one space, ends trimmed.
    static func collapse(_ text: String) -> String {
        text.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }
}
