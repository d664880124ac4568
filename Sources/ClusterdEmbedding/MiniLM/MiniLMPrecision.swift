/// The arithmetic of the native MiniLM's Linear layers.
public enum MiniLMPrecision: String, Sendable, CaseIterable {
    /// Single precision through OpenBLAS sgemm (the reference).
    case fp32
    /// Weights quantised to int8 per output column at load, activations per row at every product, products with
    /// AVX-512 VNNI (a scalar loop on other CPUs); attention, LayerNorm, GELU and pooling stay in fp32.
    case int8
}
