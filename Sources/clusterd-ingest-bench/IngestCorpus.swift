import ClusterdCore
import ClusterdStore
import Foundation

/// The messages a scenario ingests: real chat texts (cycled), several per conversation, with zero-padded string ids
/// so the sweep's `_id` order is the insertion order. Built a chunk at a time, so a million never sit in memory.
struct IngestCorpus: Sendable {
    /// The chat texts, cycled over the messages.
    let texts: [String]
    /// Messages per conversation.
    let messagesPerConversation: Int

    /// Messages inserted (and triggered) per call.
    static let chunkSize = 1_000

    /// Reads the `text` of each JSON line of `path`.
    init(textsPath path: String, messagesPerConversation: Int) throws {
        let content = try String(contentsOfFile: path, encoding: .utf8)
        var texts: [String] = []
        for line in content.split(separator: "\n") {
            guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                let text = object["text"] as? String
            else { throw IngestBenchError("\(path): a line without a \"text\" string") }
            texts.append(text)
        }
        guard !texts.isEmpty else { throw IngestBenchError("\(path) holds no texts") }
        self.texts = texts
        self.messagesPerConversation = max(1, messagesPerConversation)
    }

    /// The id of message `index` of the set named `prefix`.
    static func messageID(_ prefix: String, _ index: Int) -> String {
        "\(prefix)-" + String(repeating: "0", count: max(0, 8 - String(index).count)) + String(index)
    }

    /// The text of message `index`.
    func text(_ index: Int) -> String {
        texts[index % texts.count]
    }

    /// The first `count` texts in message order (what the messages `0..<count` hold).
    func texts(count: Int) -> [String] {
        (0..<count).map(text)
    }

    /// Inserts messages `0..<count` (ids `prefix-NNNNNNNN`) and their conversations, `chunkSize` per write.
    func insert(_ count: Int, prefix: String, into store: MongoStore) throws {
        let now = Date()
        for start in stride(from: 0, to: count, by: Self.chunkSize) {
            let range = start..<min(count, start + Self.chunkSize)
            let messages = range.map { index in
                MessageRecord(
                    id: .string(Self.messageID(prefix, index)),
                    conversationID: .string(conversationID(prefix, index)),
                    role: "user",
                    content: text(index),
                    createdAt: now
                )
            }
            let conversations = Set(range.map { conversationID(prefix, $0) }).sorted().map { RecordID.string($0) }
            try store.insertHostConversations(ids: conversations, createdAt: now)
            try store.insertHostMessages(messages)
        }
    }

    private func conversationID(_ prefix: String, _ index: Int) -> String {
        Self.messageID("\(prefix)-conv", index / messagesPerConversation)
    }
}
