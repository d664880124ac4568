import Foundation

/// Cleaning of text that came from the API before it is stored or shown: invisible characters stripped, words that
/// look like personal details dropped, error text capped.
enum ReplyText {
    /// Longest error text from the API that reaches status, in characters.
    static let maxErrorCharacters = 300

    /// `text` without control, bidi or zero-width characters (Unicode categories Cc and Cf, such as U+200B, U+200E,
    /// U+202E, U+2066 or U+FEFF), white space runs collapsed to one space, ends trimmed.
    static func clean(_ text: String) -> String {
        var scalars = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar.properties.generalCategory {
            case .control:
                if scalar.properties.isWhitespace { scalars.append(" ") }
            case .format:
                continue
            default:
                scalars.append(scalar)
            }
        }
        return JSONReply.collapse(String(scalars))
    }

    /// `text` cleaned, then without the words that look like personal details (``ConceptPrompt/looksPersonal(_:)``).
    static func withoutPersonalWords(_ text: String) -> String {
        clean(text).split(separator: " ").filter { !ConceptPrompt.looksPersonal(String($0)) }.joined(separator: " ")
    }

    /// `text` cleaned and cut to `limit` characters (with "…" when cut).
    static func capped(_ text: String, limit: Int = maxErrorCharacters) -> String {
        let cleaned = clean(text)
        return cleaned.count > limit ? String(cleaned.prefix(limit)) + "…" : cleaned
    }
}
