/// One row of the reference table in `../shared/eval/README.md`: a plain Python pipeline with the same weights
/// (numpy forward pass, scikit-learn `KMeans(n_init=10)`, seeds 0..4), ×100, mean and sd.
struct EvalReference {
    /// Set name as printed.
    let set: String
    /// "gold" or "silhouette".
    let rule: String
    /// k the reference used (the README's silhouette grid for "silhouette").
    let k: Int
    /// ACC, NMI, ARI: mean and sd, ×100.
    let scores: [(mean: Double, sd: Double)]

    /// The README's table.
    static let table: [EvalReference] = [
        EvalReference(set: "BANKING77", rule: "gold", k: 77, scores: [(62.51, 2.44), (79.57, 0.81), (50.71, 1.88)]),
        EvalReference(
            set: "BANKING77",
            rule: "silhouette",
            k: 200,
            scores: [(46.92, 0.41), (79.96, 0.25), (43.60, 0.29)]
        ),
        EvalReference(set: "CLINC150", rule: "gold", k: 150, scores: [(72.97, 0.50), (89.35, 0.17), (66.27, 0.42)]),
        EvalReference(
            set: "CLINC150",
            rule: "silhouette",
            k: 180,
            scores: [(73.89, 0.77), (89.67, 0.23), (68.52, 0.77)]
        ),
        EvalReference(set: "SGD all", rule: "gold", k: 16, scores: [(99.35, 0.72), (99.38, 0.56), (99.00, 1.08)]),
        EvalReference(
            set: "SGD all",
            rule: "silhouette",
            k: 15,
            scores: [(92.63, 4.68), (97.65, 1.29), (93.36, 4.66)]
        ),
        EvalReference(set: "SGD user", rule: "gold", k: 16, scores: [(92.78, 5.88), (96.70, 1.96), (92.80, 4.88)]),
    ]

    /// The reference row for `set` and `rule`, if the README has one.
    static func row(set: String, rule: String) -> EvalReference? {
        table.first { $0.set == set && $0.rule == rule }
    }
}
