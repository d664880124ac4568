/// One printed row of the table: a set, a k rule and a k-means start count, scored over the seeds.
struct EvalRow {
    /// Set name as printed.
    let set: String
    /// "gold" or "silhouette".
    let rule: String
    /// k-means++ starts per fit.
    let initializations: Int
    /// Items clustered.
    let n: Int
    /// The scores over the seeds.
    let outcome: EvalRunner.Outcome
}
