/// The arithmetic of the native MiniLM's Linear layers.
public enum MiniLMPrecision: String, Sendable, CaseIterable {
    /// Single precision through OpenBLAS sgemm (the reference).
    case fp32
    /// The attention output and the first feed-forward Linear in int8 (weights per output column at load,
    /// activations per row and block of 32 inputs at every product, AVX-512 VNNI or a scalar loop); the fused QKV
    /// product and the second feed-forward Linear stay fp32, as do attention, LayerNorm, GELU and pooling. Holds
    /// cosine ≥ 0.999 to the reference on the golden texts (all four in int8 does not).
    case int8
    /// All four Linear layers in int8: the fastest, cosine about 0.995 to the reference at worst.
    case int8All

    /// The precision a setting names, in any letter case ("fp32", "int8", "int8all"); nil for anything else.
    public init?(setting value: String) {
        guard let match = Self.allCases.first(where: { $0.rawValue.lowercased() == value.lowercased() }) else {
            return nil
        }
        self = match
    }

    /// Whether Linear `index` of a layer (0 QKV, 1 attention output, 2 intermediate, 3 output) runs in int8.
    func quantizes(linear index: Int) -> Bool {
        switch self {
        case .fp32: false
        case .int8: index == 1 || index == 2
        case .int8All: true
        }
    }
}
