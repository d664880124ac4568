/// The map's SVG: parent regions (a padded convex hull around each parent's base clusters, one shade per level),
/// then one bubble per base cluster, each a `g.bubble` with its name as `aria-label` and `<title>` (the hover text),
/// then the visible labels where they fit (`text[data-for]`, above all bubbles).
enum MapRenderer {
    /// The map of `model`.
    static func svg(_ model: ReportModel) -> String {
        let layout = MapLayout(model.clusters)
        var centres: [String: MapPoint] = [:]
        for bubble in layout.bubbles { centres[bubble.cluster.stableID] = bubble.centre }
        var out = "<svg id=\"map\" viewBox=\"0 0 \(Int(MapLayout.width)) \(Int(MapLayout.height))\" "
        out += "role=\"img\" aria-label=\"map of the base clusters\">"
        out += regions(model, centres: centres)
        out += "<g class=\"bubbles\">"
        for bubble in layout.bubbles { out += self.bubble(bubble) }
        // Labels above every bubble, so a smaller bubble drawn later never covers a larger one's label.
        out += "</g><g class=\"labels\">"
        for bubble in layout.bubbles { out += label(bubble) }
        out += "</g></svg>"
        return out
    }

    /// One bubble: its circle, name and hover text.
    private static func bubble(_ bubble: MapLayout.Bubble) -> String {
        let cluster = bubble.cluster
        let name = HTMLText.escape(cluster.name)
        let x = HTMLText.number(bubble.centre.x)
        let y = HTMLText.number(bubble.centre.y)
        var out = "<g class=\"bubble\" data-id=\"\(HTMLText.escape(cluster.stableID))\" aria-label=\"\(name)\" "
        out += "tabindex=\"0\"><title>\(name) · \(cluster.size) conversations \(GrowthStyle.badge(cluster))</title>"
        out += "<circle cx=\"\(x)\" cy=\"\(y)\" r=\"\(HTMLText.number(bubble.radius))\" "
        out += "fill=\"\(GrowthStyle.colour(cluster))\"/>"
        return out + "</g>"
    }

    /// The visible label of a bubble where it fits; nothing otherwise.
    private static func label(_ bubble: MapLayout.Bubble) -> String {
        guard let label = bubble.label else { return "" }
        let x = HTMLText.number(bubble.centre.x)
        let y = HTMLText.number(bubble.centre.y)
        let id = HTMLText.escape(bubble.cluster.stableID)
        return "<text data-for=\"\(id)\" x=\"\(x)\" y=\"\(y)\" dy=\"0.35em\">\(HTMLText.escape(label))</text>"
    }

    /// One outline per parent cluster around the centres of its base clusters, higher levels drawn first (wider).
    private static func regions(_ model: ReportModel, centres: [String: MapPoint]) -> String {
        let parentOf = Dictionary(
            model.clusters.compactMap { cluster in cluster.parent.map { (cluster.stableID, $0) } },
            uniquingKeysWith: { first, _ in first }
        )
        var members: [String: [MapPoint]] = [:]
        for (id, centre) in centres {
            var current = parentOf[id]
            var seen: Set<String> = []
            while let parent = current, seen.insert(parent).inserted {
                members[parent, default: []].append(centre)
                current = parentOf[parent]
            }
        }
        let parents = model.clusters.filter { $0.level > 0 && members[$0.stableID] != nil }
            .sorted { ($0.level, $1.stableID) > ($1.level, $0.stableID) }
        var out = "<g class=\"regions\">"
        for parent in parents {
            let hull = ConvexHull.of(members[parent.stableID] ?? [])
            guard let first = hull.first else { continue }
            var path = "M\(HTMLText.number(first.x)),\(HTMLText.number(first.y))"
            for point in hull.dropFirst() { path += "L\(HTMLText.number(point.x)),\(HTMLText.number(point.y))" }
            path += hull.count > 1 ? "Z" : "h0.1Z"
            let pad = 14 + 10 * parent.level
            out += "<path class=\"region level-\(parent.level)\" data-id=\"\(HTMLText.escape(parent.stableID))\" "
            out += "d=\"\(path)\" stroke-width=\"\(pad)\"><title>\(HTMLText.escape(parent.name)) "
            out += "(level \(parent.level), \(parent.size) conversations)</title></path>"
        }
        return out + "</g>"
    }
}
