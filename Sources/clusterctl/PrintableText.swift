/// Text from the server made safe for a terminal: control characters (C0, DEL, C1), line and paragraph separators
/// and bidirectional overrides are shown as escapes (`\x1B`, `\u{202E}`) instead of reaching the terminal raw.
enum PrintableText {
    /// `text` with every character a terminal would act on escaped.
    static func escaped(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: needsEscape) else { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            guard needsEscape(scalar) else {
                out.unicodeScalars.append(scalar)
                continue
            }
            let hex = String(scalar.value, radix: 16, uppercase: true)
            out += scalar.value <= 0xFF ? "\\x" + String(repeating: "0", count: 2 - hex.count) + hex : "\\u{\(hex)}"
        }
        return out
    }

    /// Whether a terminal could act on `scalar`: a control character, a line or paragraph separator, or a
    /// bidirectional embedding, override or isolate.
    static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .control, .lineSeparator, .paragraphSeparator: return true
        default: return (0x202A...0x202E).contains(scalar.value) || (0x2066...0x2069).contains(scalar.value)
        }
    }
}
