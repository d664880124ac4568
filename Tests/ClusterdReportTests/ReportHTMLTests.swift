import Foundation
import Testing

@testable import ClusterdReport

@Suite("Report HTML")
struct ReportHTMLTests {
    @Test func escapesNamesConceptsAndMessages() throws {
        let html = ReportHTML.render(ReportFixtures.model(baseCount: 5, parentCount: 2, hostileFirst: true))
        #expect(!html.contains("<script>alert"))
        #expect(!html.contains("<b>bold</b>"))
        #expect(!html.contains("<i>and</i>"))
        #expect(!html.contains("invoice <x>"))
        #expect(!html.contains("claude-test <model>"))
        #expect(html.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &#39;quoted&#39; &amp; "))
        // Exactly the page's own two script elements open and close.
        #expect(html.components(separatedBy: "<script").count - 1 == 2)
        #expect(html.components(separatedBy: "</script>").count - 1 == 2)
        // The embedded data reads back to the same names.
        let start = try #require(html.range(of: "id=\"report-data\">"))
        let end = try #require(html.range(of: "</script>", range: start.upperBound..<html.endIndex))
        let json = String(html[start.upperBound..<end.lowerBound])
        let model = try ReportModel(jsonData: Data(json.utf8))
        #expect(model.clusters.contains { $0.name.hasPrefix("<script>alert(\"x\")</script> 'quoted'") })
    }

    @Test func hasNoExternalURL() {
        let html = ReportHTML.render(ReportFixtures.model(baseCount: 40, parentCount: 4))
        for pattern in ["http:", "https:", "//", "url(", "src=", "href=", "@import", "ftp:", "ws:", "wss:"] {
            #expect(!html.lowercased().contains(pattern), "the page contains \(pattern)")
        }
        #expect(html.contains("default-src 'none'"))
    }

    @Test func oneBubblePerBaseClusterAndOneTreeNodePerCluster() {
        let model = ReportFixtures.model(baseCount: 37, parentCount: 5)
        let html = ReportHTML.render(model)
        #expect(Self.count("<g class=\"bubble\"", in: html) == 37)
        #expect(Self.count("class=\"node", in: html) == model.clusters.count)
        #expect(Self.count("<path class=\"region", in: html) == 6)
        for cluster in model.baseClusters {
            #expect(html.contains("<g class=\"bubble\" data-id=\"\(cluster.stableID)\" aria-label=\""))
        }
    }

    /// Every circle lies inside the map's view, also when a few large clusters sit at the layout's edges (their
    /// radius is more than the plain margin).
    @Test(arguments: [3, 8, 37, 1000])
    func everyBubbleStaysInsideTheView(baseCount: Int) {
        let model = ReportFixtures.model(baseCount: baseCount, parentCount: max(1, baseCount / 8))
        let layout = MapLayout(model.clusters)
        #expect(layout.bubbles.count == baseCount)
        for bubble in layout.bubbles {
            #expect(bubble.centre.x - bubble.radius >= 0 && bubble.centre.x + bubble.radius <= MapLayout.width)
            #expect(bubble.centre.y - bubble.radius >= 0 && bubble.centre.y + bubble.radius <= MapLayout.height)
        }
    }

    /// At 1,000 base clusters only some bubbles carry a visible label; every one has its name for hover.
    @Test func labelsOnlyWhereTheyFit() {
        let html = ReportHTML.render(ReportFixtures.model(baseCount: 1000, parentCount: 30))
        let labels = Self.count("dy=\"0.35em\"", in: html)
        #expect(Self.count("<g class=\"bubble\"", in: html) == 1000)
        #expect(labels > 0 && labels < 1000)
    }

    @Test func leavesMessageTextOutWhenAsked() {
        var model = ReportFixtures.model(baseCount: 3, parentCount: 1)
        model.includesText = false
        for index in model.clusters.indices { model.clusters[index].messages = [] }
        let html = ReportHTML.render(model)
        #expect(!html.contains("charged twice"))
        #expect(html.contains("left out"))
    }

    @Test func pagesJoinBackToTheModel() throws {
        let model = ReportFixtures.model(baseCount: 23, parentCount: 3)
        let pages = stride(from: 0, to: model.clusters.count, by: 7).map { model.page(offset: $0, limit: 7) }
        let decoded = try pages.map { try ReportModel(jsonData: $0.jsonData()) }
        #expect(ReportModel.joining(decoded) == model)
    }

    /// A page over the byte budget holds fewer clusters; the pages still cover every cluster once.
    @Test func pagesShrinkToTheirByteBudget() throws {
        let model = ReportFixtures.model(baseCount: 40, parentCount: 4)
        var offset = 0
        var pages: [ReportModel] = []
        while offset < model.clusters.count {
            let page = try model.encodedPage(offset: offset, limit: 0, maxBytes: 4_000)
            #expect(page.json.utf8.count <= 4_000 || page.next == offset + 1)
            #expect(page.next > offset)
            pages.append(try ReportModel(jsonData: Data(page.json.utf8)))
            offset = page.next
        }
        #expect(pages.count > 1)
        #expect(ReportModel.joining(pages) == model)
    }

    @Test func sparklineHasGapsAndALastDot() {
        let svg = Sparkline.svg([3, nil, 4, 8])
        #expect(Self.count("<polyline", in: svg) == 1)
        #expect(svg.contains("<circle"))
        #expect(svg.contains("3 → – → 4 → 8"))
    }

    /// Occurrences of `needle` in `text`.
    static func count(_ needle: String, in text: String) -> Int {
        text.components(separatedBy: needle).count - 1
    }
}
