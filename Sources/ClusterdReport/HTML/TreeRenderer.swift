/// The hierarchy as nested `<details>` (collapsible without script): one `.node` per cluster with its name, size,
/// growth, size line and lineage; top-level nodes open.
enum TreeRenderer {
    /// The tree of `model`'s clusters (roots: no parent, or a parent not in the run).
    static func html(_ model: ReportModel) -> String {
        let ids = Set(model.clusters.map(\.stableID))
        var children: [String: [ReportCluster]] = [:]
        var roots: [ReportCluster] = []
        for cluster in model.clusters {
            if let parent = cluster.parent, ids.contains(parent), parent != cluster.stableID {
                children[parent, default: []].append(cluster)
            } else {
                roots.append(cluster)
            }
        }
        var out = "<div id=\"tree\" role=\"tree\">"
        var visited: Set<String> = []
        for root in roots.sorted(by: order) { node(root, children: children, open: true, visited: &visited, &out) }
        return out + "</div>"
    }

    /// Higher levels first, then larger clusters, then stable ids.
    private static func order(_ a: ReportCluster, _ b: ReportCluster) -> Bool {
        (a.level, a.size, b.stableID) > (b.level, b.size, a.stableID)
    }

    /// Appends a cluster's node and, below it, its children's.
    private static func node(
        _ cluster: ReportCluster,
        children: [String: [ReportCluster]],
        open: Bool,
        visited: inout Set<String>,
        _ out: inout String
    ) {
        guard visited.insert(cluster.stableID).inserted else { return }
        let kids = (children[cluster.stableID] ?? []).sorted(by: order)
        let id = HTMLText.escape(cluster.stableID)
        if kids.isEmpty {
            out += "<div class=\"node leaf\" role=\"treeitem\" data-id=\"\(id)\">\(row(cluster))</div>"
            return
        }
        out += "<details class=\"node\" role=\"treeitem\" data-id=\"\(id)\"\(open ? " open" : "")>"
        out += "<summary>\(row(cluster))</summary><div class=\"kids\">"
        for kid in kids { node(kid, children: children, open: false, visited: &visited, &out) }
        out += "</div></details>"
    }

    /// A node's row: name, size, growth, size line, lineage.
    private static func row(_ cluster: ReportCluster) -> String {
        var out = "<span class=\"row\"><span class=\"name\">\(HTMLText.escape(cluster.name))</span>"
        out += "<span class=\"size\">\(cluster.size)</span>"
        let badge = GrowthStyle.badge(cluster)
        out += "<span class=\"growth\" style=\"color:\(GrowthStyle.colour(cluster))\">\(badge)</span>"
        out += Sparkline.svg(cluster.history)
        out += "<span class=\"lineage\">\(HTMLText.escape(lineageText(cluster)))</span></span>"
        return out
    }

    /// "born", "continued", "split from a1", "merged from a1, a2" (with "renamed" when it was).
    static func lineageText(_ cluster: ReportCluster) -> String {
        var text = cluster.lineage
        if cluster.lineage != "born" && cluster.lineage != "continued" && !cluster.previousStableIDs.isEmpty {
            text += " from " + cluster.previousStableIDs.prefix(4).joined(separator: ", ")
        }
        if cluster.renamed { text += ", renamed" }
        return text
    }
}
