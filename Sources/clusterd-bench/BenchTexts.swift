import Foundation

/// The benchmark's texts.
enum BenchTexts {
    /// The `text` of each JSON line of `path`, at most `limit`.
    static func load(path: String, limit: Int) throws -> [String] {
        let content = try String(contentsOfFile: path, encoding: .utf8)
        var texts: [String] = []
        for line in content.split(separator: "\n") where texts.count < limit {
            guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                let text = object["text"] as? String
            else { throw BenchError("a line without a \"text\" string") }
            texts.append(text)
        }
        guard !texts.isEmpty else { throw BenchError("no texts") }
        return texts
    }
}
