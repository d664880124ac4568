/// Text made safe for a terminal or a log line: control characters (C0, DEL, C1), line and paragraph separators
/// and bidirectional overrides are shown as escapes (`\x1B`, `\u{202E}`) instead of reaching the terminal raw.
public enum PrintableText {
    /// `text` with every character a terminal would act on escaped, `\x1B` or `\u{202E}`.
    public static func escaped(_ text: String) -> String {
        replacing(text, where: needsEscape) { value in
            let hex = String(value, radix: 16, uppercase: true)
            return value <= 0xFF ? "\\x" + String(repeating: "0", count: 2 - hex.count) + hex : "\\u{\(hex)}"
        }
    }

    /// JSON text with every character a terminal would act on as a `\u001B` escape: the same JSON value, since
    /// outside its strings JSON has no such characters but the whitespace between tokens, which stays.
    public static func escapedJSON(_ json: String) -> String {
        replacing(json, where: { needsEscape($0) && !["\n", "\r", "\t"].contains($0) }) { value in
            let hex = String(value, radix: 16, uppercase: true)
            return "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        }
    }

    /// Whether a terminal could act on `scalar`: a control character, a line or paragraph separator, or a
    /// bidirectional embedding, override or isolate.
    public static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .control, .lineSeparator, .paragraphSeparator: return true
        default: return (0x202A...0x202E).contains(scalar.value) || (0x2066...0x2069).contains(scalar.value)
        }
    }

    /// `text` with each scalar `matches` accepts replaced by `escape` of its value.
    private static func replacing(
        _ text: String,
        where matches: (Unicode.Scalar) -> Bool,
        with escape: (UInt32) -> String
    ) -> String {
        guard text.unicodeScalars.contains(where: matches) else { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            if matches(scalar) { out += escape(scalar.value) } else { out.unicodeScalars.append(scalar) }
        }
        return out
    }
}
