import Foundation

/// A shared secret kept in a file (`CLUSTERD_TOKEN_FILE`, `--token-file`), so it shows neither in `ps` nor in the
/// environment of every child: read whole, with trailing line breaks and spaces dropped. Server and clients read it
/// the same way.
public enum TokenFile {
    /// The shortest token a server accepts, in UTF-8 bytes.
    public static let minimumBytes = 32

    /// The token in the file at `path`; an unreadable or empty file is an error naming `source` (the variable or
    /// flag that named the file).
    public static func read(_ path: String, source: String) throws(SettingsError) -> String {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw SettingsError("\(source): cannot read the token file \(path): \(error.localizedDescription)")
        }
        let token = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !token.isEmpty else { throw SettingsError("\(source): the token file \(path) is empty") }
        return token
    }
}
