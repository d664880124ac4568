import ClusterdCore
import ClusterdEmbedding
import ClusterdModel
import Foundation
import Synchronization
import Testing

/// Parity with sentence-transformers' all-MiniLM-L6-v2 on the 20 golden sentences (empty text, accents, CJK,
/// emoji, URLs, a 120-character word, a text over the 256-token limit, control characters).
@Suite(
    .enabled(if: ModelFixture.shouldRun, Comment(rawValue: ModelFixture.skipNote)),
    .timeLimit(.minutes(5)),
    .serialized
)
struct MiniLMParityTests {
    @Test func tokenIDsMatchTheReferenceExactly() throws {
        let embedder = try ModelFixture.embedder()
        for sentence in ModelFixture.golden {
            #expect(
                embedder.tokenizer.tokenIDs(sentence.text) == sentence.token_ids,
                "\(sentence.text.debugDescription)"
            )
        }
    }

    @Test func embeddingsMatchTheReference() throws {
        let embedder = try ModelFixture.embedder()
        var lowest = 1.0
        for sentence in ModelFixture.golden {
            let vector = try #require(try embedder.embed([sentence.text]).first)
            #expect(vector.count == 384)
            let cosine = ModelFixture.cosine(vector, sentence.embedding)
            lowest = min(lowest, cosine)
            #expect(cosine >= 0.999, "\(sentence.text.debugDescription): cosine \(cosine)")
            let norm = vector.reduce(0) { $0 + Double($1) * Double($1) }.squareRoot()
            #expect(abs(norm - 1) < 1e-5)
        }
        print("MiniLM parity: lowest cosine to the golden embeddings \(lowest)")
    }

    @Test func aBatchGivesTheSameVectorsAsOneAtATime() throws {
        let embedder = try ModelFixture.embedder()
        let texts = ModelFixture.golden.map(\.text)
        let batched = try embedder.embed(texts)
        let reversed = try embedder.embed(texts.reversed())
        #expect(batched.count == texts.count)
        for (index, text) in texts.enumerated() {
            let single = try embedder.embed([text])[0]
            let sameBatch = ModelFixture.cosine(batched[index], single.map(Double.init))
            let otherOrder = ModelFixture.cosine(reversed[texts.count - 1 - index], single.map(Double.init))
            #expect(sameBatch >= 0.99999, "\(text.debugDescription): batch vs single \(sameBatch)")
            #expect(otherOrder >= 0.99999, "\(text.debugDescription): reversed batch vs single \(otherOrder)")
            let largest = zip(batched[index], single).map { abs($0 - $1) }.max() ?? 0
            #expect(largest < 1e-5)
        }
    }

    @Test func batchesSplitAcrossPassesGiveTheSameVectors() throws {
        let embedder = try ModelFixture.embedder()
        let texts = ModelFixture.golden.map(\.text)
        // A pass limit of 256 tokens forces the batch into several passes.
        let split = try ModelFixture.freshEmbedder(maxTokensPerPass: 256)
        let whole = try embedder.embed(texts)
        let parts = try split.embed(texts)
        for index in texts.indices {
            #expect(ModelFixture.cosine(parts[index], whole[index].map(Double.init)) >= 0.99999)
        }
    }

    /// Every switchable path against the golden embeddings and against each other: the fused attention kernel
    /// (texts up to 64 tokens) and the sgemm path (every text), one and two threads per call.
    @Test(arguments: [(64, 1), (64, 2), (0, 1), (0, 2)])
    func everyPathMatchesTheReference(fusedAttentionLength: Int, threads: Int) throws {
        let embedder = try ModelFixture.freshEmbedder(threads: threads, fusedAttentionLength: fusedAttentionLength)
        let reference = try ModelFixture.embedder()
        let texts = ModelFixture.golden.map(\.text)
        let vectors = try embedder.embed(texts)
        let expected = try reference.embed(texts)
        var lowest = 1.0
        for (index, sentence) in ModelFixture.golden.enumerated() {
            let cosine = ModelFixture.cosine(vectors[index], sentence.embedding)
            lowest = min(lowest, cosine)
            #expect(cosine >= 0.999, "\(sentence.text.debugDescription): cosine \(cosine)")
            #expect(ModelFixture.cosine(vectors[index], expected[index].map(Double.init)) >= 0.99999)
        }
        print("MiniLM parity (fused attention up to \(fusedAttentionLength), \(threads) thread(s)): lowest \(lowest)")
    }

    /// The int8 paths (VNNI where the CPU has it), one and two threads: identical token ids, a batch equal to its
    /// texts one at a time, and cosine to the golden embedding on every text ≥ 0.999 for `.int8` (measured: lowest
    /// 0.99913, mean 0.99975) and ≥ 0.99 for `.int8All` (lowest 0.99488, mean 0.99886).
    @Test(arguments: [(MiniLMPrecision.int8, 1), (.int8, 2), (.int8All, 1), (.int8All, 2)])
    func theInt8PathsMatchTheReference(precision: MiniLMPrecision, threads: Int) throws {
        let embedder = try ModelFixture.freshEmbedder(threads: threads, precision: precision)
        #expect(embedder.identifier == "all-MiniLM-L6-v2+\(precision.rawValue)")
        let floor = precision == .int8 ? 0.999 : 0.99
        let texts = ModelFixture.golden.map(\.text)
        let vectors = try embedder.embed(texts)
        var cosines: [Double] = []
        for (index, sentence) in ModelFixture.golden.enumerated() {
            #expect(embedder.tokenizer.tokenIDs(sentence.text) == sentence.token_ids)
            let cosine = ModelFixture.cosine(vectors[index], sentence.embedding)
            cosines.append(cosine)
            #expect(cosine >= floor, "\(sentence.text.debugDescription): cosine \(cosine)")
            let single = try embedder.embed([sentence.text])[0]
            #expect(ModelFixture.cosine(single, vectors[index].map(Double.init)) >= 0.99999)
        }
        let mean = cosines.reduce(0, +) / Double(cosines.count)
        print("MiniLM \(precision) parity (\(threads) thread(s)): lowest cosine \(cosines.min() ?? 0), mean \(mean)")
    }

    @Test func concurrentCallsGiveTheSameVectorsAsSequentialOnes() throws {
        let embedder = try ModelFixture.embedder()
        let texts = ModelFixture.golden.map(\.text)
        let expected = try embedder.embed(texts)
        let results = Mutex<[Int: [[Float]]]>([:])
        DispatchQueue.concurrentPerform(iterations: 4) { worker in
            let batch = worker % 2 == 0 ? texts : Array(texts.reversed())
            let vectors = (try? embedder.embed(batch)) ?? []
            results.withLock { $0[worker] = worker % 2 == 0 ? vectors : vectors.reversed() }
        }
        for worker in 0..<4 {
            let vectors = try #require(results.withLock { $0[worker] })
            #expect(vectors.count == texts.count)
            for (vector, reference) in zip(vectors, expected) {
                #expect(ModelFixture.cosine(vector, reference.map(Double.init)) >= 0.99999)
            }
        }
    }

    @Test func similarSentencesAreCloserThanUnrelatedOnes() throws {
        let embedder = try ModelFixture.embedder()
        let vectors = try embedder.embed([
            "A man is eating food.", "A man is eating a piece of bread.", "The new movie is awesome",
        ])
        let near = ModelFixture.cosine(vectors[0], vectors[1].map(Double.init))
        let far = ModelFixture.cosine(vectors[0], vectors[2].map(Double.init))
        #expect(abs(near - 0.7553) < 1e-3)
        #expect(far < 0.1)
    }
}
