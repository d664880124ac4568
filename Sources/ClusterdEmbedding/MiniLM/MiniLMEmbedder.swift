internal import COpenBLAS
import ClusterdCore
import Foundation

/// sentence-transformers/all-MiniLM-L6-v2 in pure Swift over OpenBLAS: BERT WordPiece tokenizer, 6 encoder
/// layers (12 heads × 32), exact-erf GELU, LayerNorm eps 1e-12, mean pooling over the tokens, L2 normalisation.
///
/// Built from the bytes of `model.safetensors` and the text of `vocab.txt` (the caller reads the files, so this
/// type does no I/O). Every Linear layer and both attention products run through `cblas_sgemm`.
///
/// A batch is packed, not padded: the tokens of all its texts form one matrix for the Linear layers, and
/// attention runs per text over its own tokens only, so a text's vector does not depend on the texts batched
/// with it and no work is spent on padding. Thread-safe: the weights are immutable and each call uses its own
/// scratch memory (pooled between calls).
///
/// Threads: the forward pass splits its work over `threads` workers of its own (column panels of every product,
/// attention heads, row blocks of LayerNorm) and keeps every sgemm call small enough that OpenBLAS runs it on
/// the calling worker, unpacked: the weights stay in a panel layout that streams from memory, so small batches
/// (one message) are not dominated by OpenBLAS packing the weights on every call.
public final class MiniLMEmbedder: Embedder {
    /// "all-MiniLM-L6-v2", with "+int8" or "+int8All" when the Linear layers run in int8: the vectors differ a
    /// little, so analyses (and cached embeddings) of one precision are not taken for the other's.
    public var identifier: String { precision == .fp32 ? "all-MiniLM-L6-v2" : "all-MiniLM-L6-v2+\(precision.rawValue)" }
    /// 384.
    public let dimension: Int
    /// Always false.
    public let isFallback = false
    /// The tokenizer built from `vocab.txt`.
    public let tokenizer: WordPieceTokenizer
    /// Most tokens in one forward pass; larger batches are split (bounds scratch memory to about 15 KB per token).
    public let maxTokensPerPass: Int
    /// Workers of one forward pass (OpenBLAS's thread count unless given).
    public let threads: Int
    /// Most multiply-adds in one sgemm call. OpenBLAS builds for AVX-512 cores (SkylakeX, Cooperlake, Sapphire
    /// Rapids) run calls up to 10⁶ through unpacked small-matrix kernels on the calling thread: 786,432 there
    /// (measured fastest with `make bench`). Elsewhere 262,144, below OpenBLAS's threshold for threading a
    /// call, so a call never starts OpenBLAS threads under the embedder's own workers.
    let callBudget: Int

    let heads: Int
    let headSize: Int
    let intermediateSize: Int
    /// [vocabulary, hidden].
    let wordEmbeddings: [Float]
    /// [positions, hidden]: position embedding plus the token-type-0 embedding.
    let positionEmbeddings: [Float]
    let embeddingNormGamma: [Float]
    let embeddingNormBeta: [Float]
    let layers: [MiniLMLayer]
    /// The scratch memory of idle forward passes.
    let scratchPool = MiniLMScratchPool()
    /// Texts up to this many tokens take the fused attention kernel (no BLAS call, no score matrix); longer
    /// ones two sgemm calls per head. 0 by default: on an AVX-512 OpenBLAS the sgemm path measured a few percent
    /// less CPU than the kernel (compiled for baseline x86-64, SSE only) at 13–30 tokens.
    public let fusedAttentionLength: Int
    /// The arithmetic of the Linear layers (fp32 unless given).
    public let precision: MiniLMPrecision

    /// Loads the model from the bytes of `model.safetensors` (may be memory-mapped; it is copied, not kept) and
    /// the text of `vocab.txt`. Sizes come from the tensor shapes; `heads` is not stored in the weights.
    /// `threads` defaults to OpenBLAS's thread count (OPENBLAS_NUM_THREADS). `fusedAttentionLength`: texts up to
    /// this many tokens take the fused attention kernel (0, the default: every text takes the sgemm path; parity
    /// tests compare the two). `precision` `.int8` quantises the Linear weights at load (see `MiniLMPrecision`).
    /// Throws `EmbedderError` when a tensor is missing or mis-shaped or the vocabulary is unusable.
    public init(
        safetensors: Data,
        vocabulary: String,
        heads: Int = 12,
        maxLength: Int = 256,
        maxTokensPerPass: Int = 4096,
        threads: Int? = nil,
        fusedAttentionLength: Int = 0,
        precision: MiniLMPrecision = .fp32
    ) throws {
        let tensors = try SafeTensors(data: safetensors)
        guard let wordShape = tensors.shape("embeddings.word_embeddings.weight"), wordShape.count == 2 else {
            throw EmbedderError(.missingTensor, "tensor embeddings.word_embeddings.weight is missing")
        }
        let hidden = wordShape[1]
        guard heads > 0, hidden % heads == 0 else {
            throw EmbedderError(.missingTensor, "hidden size \(hidden) is not a multiple of \(heads) heads")
        }
        guard let intermediateShape = tensors.shape("encoder.layer.0.intermediate.dense.weight"),
            intermediateShape.count == 2
        else {
            throw EmbedderError(.missingTensor, "tensor encoder.layer.0.intermediate.dense.weight is missing")
        }
        let intermediate = intermediateShape[0]
        var layerCount = 0
        while tensors.shape("encoder.layer.\(layerCount).attention.self.query.weight") != nil { layerCount += 1 }

        tokenizer = try WordPieceTokenizer(vocabulary: vocabulary, maxLength: maxLength)
        guard tokenizer.vocabularySize <= wordShape[0] else {
            throw EmbedderError(
                .malformedVocabulary,
                "vocabulary has \(tokenizer.vocabularySize) entries but the model only \(wordShape[0])"
            )
        }
        guard let positionShape = tensors.shape("embeddings.position_embeddings.weight"), positionShape.count == 2,
            positionShape[0] >= tokenizer.maxLength
        else {
            throw EmbedderError(.missingTensor, "embeddings.position_embeddings.weight is missing or too short")
        }
        wordEmbeddings = try tensors.floats("embeddings.word_embeddings.weight", shape: wordShape)
        var positions = try tensors.floats(
            "embeddings.position_embeddings.weight",
            shape: [positionShape[0], hidden]
        )
        let tokenTypes = try tensors.floats("embeddings.token_type_embeddings.weight")
        guard tokenTypes.count >= hidden else {
            throw EmbedderError(.missingTensor, "embeddings.token_type_embeddings.weight is too short")
        }
        for index in positions.indices { positions[index] += tokenTypes[index % hidden] }
        positionEmbeddings = positions
        embeddingNormGamma = try tensors.floats("embeddings.LayerNorm.weight", shape: [hidden])
        embeddingNormBeta = try tensors.floats("embeddings.LayerNorm.bias", shape: [hidden])
        layers = try (0..<layerCount).map {
            try MiniLMLayer(tensors, index: $0, hidden: hidden, intermediate: intermediate, precision: precision)
        }
        guard !layers.isEmpty else { throw EmbedderError(.missingTensor, "the weights have no encoder layers") }
        dimension = hidden
        self.heads = heads
        headSize = hidden / heads
        intermediateSize = intermediate
        self.maxTokensPerPass = max(maxTokensPerPass, tokenizer.maxLength)
        self.threads = min(64, max(1, threads ?? Int(openblas_get_num_threads())))
        self.fusedAttentionLength = max(0, fusedAttentionLength)
        self.precision = precision
        let core = String(cString: openblas_get_corename()).lowercased()
        callBudget = ["skylakex", "cooperlake", "sapphirerapids"].contains(core) ? 786_432 : 262_144
    }

    /// Embeds each text; the result has one unit-length vector per text, in order. Never throws.
    public func embed(_ texts: [String]) throws -> [[Float]] {
        embed(tokenIDs: texts.map(tokenizer.tokenIDs))
    }

    /// Embeds already tokenized texts (each `[CLS]` … `[SEP]`); ids outside the vocabulary count as `[UNK]`,
    /// lists longer than `tokenizer.maxLength` are cut, and an empty list gets a zero vector.
    public func embed(tokenIDs: [[Int32]]) -> [[Float]] {
        let vocabularyRows = Int32(wordEmbeddings.count / dimension)
        let maxLength = tokenizer.maxLength
        let unknown = tokenizer.unknownID
        let tokenIDs = tokenIDs.map { ids in
            let valid = ids.count <= maxLength && ids.allSatisfy { $0 >= 0 && $0 < vocabularyRows }
            return valid ? ids : ids.prefix(maxLength).map { $0 >= 0 && $0 < vocabularyRows ? $0 : unknown }
        }
        var result: [[Float]] = []
        result.reserveCapacity(tokenIDs.count)
        var start = 0
        while start < tokenIDs.count {
            var end = start
            var tokens = 0
            while end < tokenIDs.count, end == start || tokens + tokenIDs[end].count <= maxTokensPerPass {
                tokens += tokenIDs[end].count
                end += 1
            }
            result.append(contentsOf: forward(tokenIDs[start..<end], tokenCount: tokens))
            start = end
        }
        return result
    }
}
