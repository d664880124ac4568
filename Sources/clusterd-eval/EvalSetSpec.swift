/// A set to evaluate: its option key, its printed name and how to load it.
struct EvalSetSpec {
    /// The `--sets` key ("banking", "clinc", "sgd").
    let key: String
    /// The name printed in the table.
    let name: String
    /// Reads the set.
    let load: () throws -> EvalDataset
}
