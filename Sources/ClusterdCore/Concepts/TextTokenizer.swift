/// Splits text into lower-case word tokens (Unicode letters and digits, with inner apostrophes kept: "i'm").
///
/// Phrase punctuation (`. , ; : ! ?`, brackets, quotes, dashes, line breaks) also ends a segment, so key phrases never
/// span a sentence or clause boundary. Other non-word characters (spaces, hyphens, slashes) only separate tokens.
package enum TextTokenizer {
    /// Tokens grouped into segments that phrase punctuation separates.
    package static func segments(_ text: String) -> [[String]] {
        var segments: [[String]] = []
        var current: [String] = []
        var word = String.UnicodeScalarView()
        var pendingApostrophe = false

        func endWord() {
            if !word.isEmpty { current.append(String(word)) }
            word = String.UnicodeScalarView()
            pendingApostrophe = false
        }
        func endSegment() {
            endWord()
            if !current.isEmpty { segments.append(current) }
            current = []
        }

        for scalar in text.lowercased().unicodeScalars {
            if isWordScalar(scalar) {
                if pendingApostrophe {
                    word.append("'")
                    pendingApostrophe = false
                }
                word.append(scalar)
            } else if scalar == "'" || scalar == "\u{2019}" {
                if word.isEmpty || pendingApostrophe { endWord() } else { pendingApostrophe = true }
            } else if isPhraseBreak(scalar) {
                endSegment()
            } else {
                endWord()
            }
        }
        endSegment()
        return segments
    }

    /// All tokens in order.
    package static func words(_ text: String) -> [String] {
        segments(text).flatMap { $0 }
    }

    /// True when every character of `token` is a decimal digit or other numeric scalar.
    package static func isNumeric(_ token: String) -> Bool {
        token.unicodeScalars.allSatisfy { $0.properties.numericType != nil || $0 == "'" }
    }

    private static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
        let properties = scalar.properties
        if properties.isAlphabetic || properties.numericType != nil { return true }
        switch properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark: return true
        default: return false
        }
    }

    private static func isPhraseBreak(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case ".", ",", ";", ":", "!", "?", "(", ")", "[", "]", "{", "}", "<", ">", "\"", "|",
            "\n", "\r", "\u{2026}", "\u{2013}", "\u{2014}", "\u{201C}", "\u{201D}", "\u{00BF}", "\u{00A1}":
            return true
        default:
            return false
        }
    }
}
