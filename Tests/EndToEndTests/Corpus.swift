import ClusterdCore
import ClusterdStore
import Foundation

/// Host-shaped test data: conversations on clearly different topics, with ObjectId and string ids mixed.
struct Corpus {
    /// A topic and sentences that only it uses.
    struct Topic {
        var name: String
        var sentences: [String]
    }

    static let topics: [Topic] = [
        Topic(
            name: "cooking",
            sentences: [
                "How long should I bake sourdough bread in the oven at 230 degrees?",
                "My pasta sauce with garlic, basil and tomatoes tastes bland; which spices help?",
                "Can I replace butter with olive oil when baking chocolate chip cookies?",
                "What is the best way to caramelise onions in a cast iron skillet?",
                "My sourdough starter smells of vinegar; should I feed it more flour?",
                "How do I keep roasted vegetables crispy instead of soggy in the oven?",
                "Which knife is best for slicing tomatoes and chopping garlic and basil?",
                "Can I freeze homemade lasagna with bechamel sauce and parmesan cheese?",
            ]
        ),
        Topic(
            name: "programming",
            sentences: [
                "The Swift compiler crashes with a segmentation fault when I build generic protocols.",
                "How do I find a memory leak in my Python web server under heavy load?",
                "Kubernetes pods keep restarting and the container logs show an out of memory kill.",
                "Why does my database query time out when the index on the users table is missing?",
                "Git rebase left merge conflicts in the compiler source files; how do I resolve them?",
                "The unit tests pass locally but the continuous integration build fails on Linux.",
                "How can I profile CPU usage of a multithreaded Rust service with a debugger?",
                "My REST API returns HTTP 500 errors after deploying the new Docker container image.",
            ]
        ),
        Topic(
            name: "travel",
            sentences: [
                "Which documents do I need for a tourist visa to travel to Japan next spring?",
                "Where can I find cheap flights from Paris to Lisbon during the summer holidays?",
                "Is the hotel near the central train station safe for tourists walking at night?",
                "How early should I arrive at the airport for an international flight with luggage?",
                "Can I use my rail pass on the high speed trains between Rome and Florence?",
                "What is the best beach resort for a family vacation on the Greek islands?",
                "My passport expires in four months; can I still board a flight to Thailand?",
                "Which travel insurance covers cancelled flights and lost luggage at the airport?",
            ]
        ),
    ]

    /// Conversation ids in creation order.
    var conversations: [RecordID] = []
    /// Topic name of each conversation.
    var topicOfConversation: [RecordID: String] = [:]
    /// Messages, conversation by conversation.
    var messages: [MessageRecord] = []

    /// `conversationsPerTopic` conversations on each of the first `topicCount` topics, each with
    /// `messagesPerConversation` messages. Even-numbered ids are ObjectIds, odd-numbered ones strings.
    init(conversationsPerTopic: Int, messagesPerConversation: Int, topicCount: Int = 3) {
        let run = UUID().uuidString.prefix(8).lowercased()
        var counter = 0
        func nextID(_ kind: String) -> RecordID {
            counter += 1
            return counter % 2 == 0 ? ObjectIDGenerator.make() : .string("\(kind)-\(run)-\(counter)")
        }
        let created = Date()
        for index in 0..<conversationsPerTopic {
            for topic in Self.topics.prefix(topicCount) {
                let conversation = nextID("conv")
                conversations.append(conversation)
                topicOfConversation[conversation] = topic.name
                for position in 0..<messagesPerConversation {
                    let sentence = topic.sentences[(index * 3 + position) % topic.sentences.count]
                    messages.append(
                        MessageRecord(
                            id: nextID("msg"),
                            conversationID: conversation,
                            role: position % 2 == 0 ? "user" : "assistant",
                            content: sentence,
                            createdAt: created.addingTimeInterval(Double(messages.count))
                        )
                    )
                }
            }
        }
    }

    /// The message ids as the wire carries them.
    var messageIDs: [String] { messages.map(\.id.description) }

    /// Writes the conversations and messages, as the host backend would.
    func insert(into store: MongoStore) throws {
        try store.insertHostConversations(ids: conversations, createdAt: Date())
        try store.insertHostMessages(messages)
    }
}
