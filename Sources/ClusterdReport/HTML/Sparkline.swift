/// A cluster's size over the history runs as a small inline SVG line (gaps where it did not exist).
enum Sparkline {
    /// Width of the line's box, pixels.
    static let width = 64.0
    /// Height of the line's box, pixels.
    static let height = 16.0

    /// The SVG of `history` (oldest first).
    static func svg(_ history: [Int?]) -> String {
        let peak = Double(max(1, history.compactMap { $0 }.max() ?? 1))
        let step = history.count > 1 ? (width - 4) / Double(history.count - 1) : 0
        var segments: [[String]] = [[]]
        var dots: [String] = []
        for (index, size) in history.enumerated() {
            guard let size else {
                if !(segments.last?.isEmpty ?? true) { segments.append([]) }
                continue
            }
            let x = 2 + step * Double(index)
            let y = height - 2 - (height - 4) * Double(size) / peak
            segments[segments.count - 1].append("\(HTMLText.number(x)),\(HTMLText.number(y))")
            if index == history.count - 1 {
                dots.append("<circle cx=\"\(HTMLText.number(x))\" cy=\"\(HTMLText.number(y))\" r=\"1.8\"/>")
            }
        }
        let lines = segments.filter { $0.count > 1 }.map { "<polyline points=\"\($0.joined(separator: " "))\"/>" }
        let sizes = history.map { $0.map(String.init) ?? "–" }.joined(separator: " → ")
        return "<svg class=\"spark\" width=\"\(Int(width))\" height=\"\(Int(height))\" viewBox=\"0 0 \(Int(width)) "
            + "\(Int(height))\" role=\"img\" aria-label=\"sizes \(sizes)\"><title>sizes over the last runs: \(sizes)"
            + "</title>\(lines.joined())\(dots.joined())</svg>"
    }
}
