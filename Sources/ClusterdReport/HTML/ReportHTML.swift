import Foundation

/// Renders a ``ReportModel`` as one self-contained HTML page: inline CSS, SVG and script, a Content-Security-Policy
/// that forbids every fetch, and no URL of any kind. Every name, description, concept and message is escaped (or,
/// in the embedded JSON, \u-escaped and set with `textContent` by the script).
public enum ReportHTML {
    /// The page of `model`.
    public static func render(_ model: ReportModel) -> String {
        let run = model.run
        var out = "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
        out += "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
        out += "style-src 'unsafe-inline'; script-src 'unsafe-inline'\">"
        out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        out += "<title>clusterd topics · run \(HTMLText.escape(run.id))</title>"
        out += "<style>\(ReportAssets.css)</style></head><body>"
        out += "<header><h1>Topics</h1><p>run \(HTMLText.escape(run.id)) · \(dateText(run.createdAt)) · "
        out += "\(run.totalConversations) conversations · \(model.baseClusters.count) base clusters</p></header>"
        out += "<main><section>"
        out += "<h2>Map</h2>\(legend())\(MapRenderer.svg(model))"
        out += "<h2>Hierarchy</h2>\(TreeRenderer.html(model))"
        out += "<h2>Run</h2>\(metrics(model))"
        out += "</section><aside id=\"detail\" aria-live=\"polite\"><p class=\"meta\">Hover or click a topic.</p>"
        out += "</aside></main>"
        out += "<script type=\"application/json\" id=\"report-data\">\(dataJSON(model))</script>"
        out += "<script>\(ReportAssets.script)</script></body></html>"
        return out
    }

    /// The colour legend and how to read the map.
    private static func legend() -> String {
        let entries = [
            (GrowthStyle.newColour, "new"), ("rgb(22,163,74)", "grew ≥50%"), ("rgb(156,163,175)", "steady"),
            ("rgb(220,38,38)", "shrank ≥50%"), (GrowthStyle.otherColour, "Other"),
        ]
        let items = entries.map { "<span><i style=\"background:\($0.0)\"></i>\($0.1)</span>" }.joined()
        return "<div class=\"legend\">\(items)<span>size: conversations · outlines: parent topics · "
            + "labels where they fit, names on hover · wheel to zoom, drag to pan</span></div>"
    }

    /// The run's table: metrics, inputs and the LLM.
    private static func metrics(_ model: ReportModel) -> String {
        let run = model.run
        func optional(_ value: Double?, _ digits: Int = 3) -> String {
            value.map { String(format: "%.\(digits)f", $0) } ?? "–"
        }
        let rows: [(String, String)] = [
            ("run", run.id), ("started", dateText(run.createdAt)), ("previous run", model.previousRunID ?? "–"),
            ("conversations", "\(run.totalConversations)"), ("messages", "\(run.totalMessages)"),
            ("k", "\(run.k)"), ("k rule", run.kRule), ("embedder", run.embedder), ("LLM", run.llm),
            ("silhouette", optional(run.silhouette)), ("inertia", optional(run.inertia, 1)),
            ("churn", optional(run.churn)), ("adjusted Rand index", optional(run.adjustedRandIndex)),
            ("clusters per level", run.levelSizes.map(String.init).joined(separator: " / ")),
            ("runs in the size lines", "\(model.historyRunIDs.count)"),
            ("message text", model.includesText ? "included (truncated)" : "left out"),
        ]
        let body = rows.map { "<tr><td>\(HTMLText.escape($0.0))</td><td>\(HTMLText.escape($0.1))</td></tr>" }
        return "<table class=\"metrics\">\(body.joined())</table>"
    }

    /// The clusters as the script reads them (no map coordinates), escaped for a `<script>` element.
    private static func dataJSON(_ model: ReportModel) -> String {
        var slim = model
        for index in slim.clusters.indices {
            slim.clusters[index].x = nil
            slim.clusters[index].y = nil
        }
        let json = (try? slim.jsonData()).flatMap { String(data: $0, encoding: .utf8) } ?? "{\"clusters\":[]}"
        return HTMLText.scriptJSON(json)
    }

    /// A date as ISO 8601 (seconds).
    private static func dateText(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }
}
