import ClusterdCore
import ClusterdEmbedding

/// Conversation vectors summed from a stream of analyses, never holding more conversations than a memory budget
/// allows.
///
/// Only conversations whose id hash (`hash(_:seed:)`, 64 bits) lies in `lowerBound...upperBound` are held. When one
/// more would exceed the capacity, the upper bound is halved towards the lower one and the conversations above it
/// are dropped, and later messages of those are ignored: a held conversation therefore has every one of its messages
/// in the stream, and the held set is a uniform, seeded sample of the conversations (the same ids whatever the order
/// of the stream). A pass that never had to lower its bound from `UInt64.max` holds every conversation from its
/// lower bound up. The conversation vector is the sum of its normalised message embeddings (the direction of
/// `ConversationInput.vector(dimension:)`); embeddings of another length than the first are ignored.
struct ConversationCollector {
    /// Whether message concepts are kept (the sample the engine fits and names on) or only vectors (assignment).
    let keepsConcepts: Bool
    /// The budget the capacity comes from, once the embedding length is known.
    let budget: ClusteringMemoryBudget
    /// Seed of the id hash.
    let seed: UInt64
    /// Lowest hash held.
    let lowerBound: UInt64
    /// Highest hash held (inclusive); only ever lowered.
    private(set) var upperBound: UInt64 = .max
    /// Most conversations held at once so far: what the budget bounds.
    private(set) var peakHeld = 0
    /// Analyses handed to `add(_:)`, held or not.
    private(set) var messagesSeen = 0
    /// The embedding length (of the first embedding seen).
    private(set) var dimension: Int?
    private var held: [RecordID: Entry] = [:]

    /// A held conversation.
    private struct Entry {
        var hash: UInt64
        var sum: [Float]
        var concepts: [[String]]
    }

    /// A collector of the conversations whose hash is at least `lowerBound`.
    init(budget: ClusteringMemoryBudget, seed: UInt64, lowerBound: UInt64 = 0, keepsConcepts: Bool) {
        self.budget = budget
        self.seed = seed
        self.lowerBound = lowerBound
        self.keepsConcepts = keepsConcepts
    }

    /// Most conversations held at once (0 until the embedding length is known).
    var capacity: Int {
        dimension.map { budget.conversationCapacity(dimension: $0) } ?? 0
    }

    /// Whether every conversation from `lowerBound` up is held (the bound never had to be lowered).
    var reachedEnd: Bool { upperBound == .max }

    /// Conversations held now.
    var heldCount: Int { held.count }

    /// The 64-bit hash that places a conversation in or out of the sample: FNV-1a of its id text, mixed with the
    /// seed (SplitMix64's finaliser) so the bits are uniform.
    static func hash(_ id: RecordID, seed: UInt64) -> UInt64 {
        var value = FNV1a.hash(id.description) ^ (seed &* 0x9e37_79b9_7f4a_7c15)
        value = (value ^ (value >> 30)) &* 0xbf58_476d_1ce4_e5b9
        value = (value ^ (value >> 27)) &* 0x94d0_49bb_1331_11eb
        return value ^ (value >> 31)
    }

    /// Adds a batch of analyses (any order, a conversation's messages possibly spread over many batches).
    mutating func add(_ batch: [MessageAnalysis]) {
        for analysis in batch {
            messagesSeen += 1
            if dimension == nil, !analysis.embedding.isEmpty { dimension = analysis.embedding.count }
            guard let dimension, analysis.embedding.count == dimension else { continue }
            let id = analysis.conversationID
            if held[id] == nil {
                let hash = Self.hash(id, seed: seed)
                guard hash >= lowerBound else { continue }
                while held.count >= capacity, hash <= upperBound, upperBound > lowerBound { lowerUpperBound() }
                guard hash <= upperBound else { continue }
                held[id] = Entry(hash: hash, sum: [Float](repeating: 0, count: dimension), concepts: [])
                peakHeld = max(peakHeld, held.count)
            }
            let unit = VectorMath.normalized(analysis.embedding)
            held[id]!.sum.withUnsafeMutableBufferPointer { sum in
                for index in 0..<dimension { sum[index] += unit[index] }
            }
            if keepsConcepts { held[id]!.concepts.append(analysis.concepts) }
        }
    }

    /// Halves the held hash range and drops the conversations above it.
    private mutating func lowerUpperBound() {
        upperBound = lowerBound + (upperBound - lowerBound) / 2
        let bound = upperBound
        held = held.filter { $0.value.hash <= bound }
    }

    /// The held conversations, by id: one embedding each (the sum), and their messages' concepts when kept.
    func conversations() -> [ConversationInput] {
        held.keys.sorted().map { id in
            let entry = held[id]!
            return ConversationInput(id: id, embeddings: [entry.sum], concepts: entry.concepts)
        }
    }
}
