import Foundation

/// One labelled set read from a JSONL file: the texts to embed, and the items to cluster (each a list of text
/// indices: one text for an utterance set, a conversation's messages for the conversation set) with gold labels.
struct EvalDataset {
    /// File name inside the data directory.
    let fileName: String
    /// Every text to embed, in file order.
    let texts: [String]
    /// Role of each text ("user" for utterances).
    let roles: [String]
    /// Per item, the indices of its texts.
    let items: [[Int]]
    /// Per item, its gold label.
    let labels: [String]
    /// The raw file bytes (hashed for the embedding cache).
    let data: Data

    private struct Utterance: Decodable {
        var text: String
        var label: String
    }

    private struct Conversation: Decodable {
        struct Message: Decodable {
            var role: String
            var content: String
        }
        var label: String
        var messages: [Message]
    }

    /// Reads an utterance set (`{"text", "label"}` per line): each text is an item of its own.
    static func utterances(directory: String, fileName: String) throws -> EvalDataset {
        let (data, lines) = try read(directory: directory, fileName: fileName)
        var texts: [String] = []
        var labels: [String] = []
        for (number, line) in lines {
            let row = try decode(Utterance.self, line, fileName, number)
            texts.append(row.text)
            labels.append(row.label)
        }
        return EvalDataset(
            fileName: fileName,
            texts: texts,
            roles: texts.map { _ in "user" },
            items: texts.indices.map { [$0] },
            labels: labels,
            data: data
        )
    }

    /// Reads the conversation set (`{"label", "messages": [{"role", "content"}]}` per line).
    static func conversations(directory: String, fileName: String) throws -> EvalDataset {
        let (data, lines) = try read(directory: directory, fileName: fileName)
        var texts: [String] = []
        var roles: [String] = []
        var items: [[Int]] = []
        var labels: [String] = []
        for (number, line) in lines {
            let row = try decode(Conversation.self, line, fileName, number)
            guard !row.messages.isEmpty else { throw EvalError("\(fileName):\(number): conversation without messages") }
            items.append(Array(texts.count..<(texts.count + row.messages.count)))
            texts += row.messages.map(\.content)
            roles += row.messages.map(\.role)
            labels.append(row.label)
        }
        return EvalDataset(fileName: fileName, texts: texts, roles: roles, items: items, labels: labels, data: data)
    }

    /// The same set with only the messages of `role` in each item (items left empty are dropped).
    func keeping(role: String) -> EvalDataset {
        var keptItems: [[Int]] = []
        var keptLabels: [String] = []
        for (item, label) in zip(items, labels) {
            let kept = item.filter { roles[$0] == role }
            if !kept.isEmpty {
                keptItems.append(kept)
                keptLabels.append(label)
            }
        }
        return EvalDataset(
            fileName: fileName,
            texts: texts,
            roles: roles,
            items: keptItems,
            labels: keptLabels,
            data: data
        )
    }

    private static func read(directory: String, fileName: String) throws -> (Data, [(Int, Substring)]) {
        let path = (directory as NSString).appendingPathComponent(fileName)
        guard let data = FileManager.default.contents(atPath: path) else { throw EvalError("cannot read \(path)") }
        guard let text = String(data: data, encoding: .utf8) else { throw EvalError("\(path) is not UTF-8") }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
            .filter { !$0.element.trimmingCharacters(in: .whitespaces).isEmpty }
            .map { ($0.offset + 1, $0.element) }
        guard !lines.isEmpty else { throw EvalError("\(path) holds no rows") }
        return (data, lines)
    }

    private static func decode<T: Decodable>(_ type: T.Type, _ line: Substring, _ file: String, _ number: Int) throws
        -> T
    {
        do {
            return try JSONDecoder().decode(type, from: Data(line.utf8))
        } catch {
            throw EvalError("\(file):\(number): not a valid row: \(error)")
        }
    }
}
