import Foundation
import Testing

@testable import ClusterdReport

/// The generated page in a real browser (headless Chromium): the DOM after its script ran, a screenshot, the
/// network log, and the render time of 1,000 base clusters. Skipped only when Chromium is absent and CI is not set.
@Suite(
    "Report in a real browser",
    .serialized,
    .enabled(
        if: HeadlessChromium.find() != nil || HeadlessChromium.required,
        "chromium is not installed (apt-get install -y chromium); the browser test runs whenever CI is set"
    )
)
struct ReportBrowserTests {
    /// Where the pages, screenshots and net logs go: `.build/test-output/report` in the package.
    static let outputDirectory: URL = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let directory = root.appendingPathComponent(".build/test-output/report", isDirectory: true)
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }()

    /// The browser, or a failure naming what is missing.
    func browser() throws -> HeadlessChromium {
        try #require(HeadlessChromium.find(), "chromium is required when CI is set (scripts/setup installs it)")
    }

    /// Writes a page into the output directory; its URL.
    func write(_ html: String, named name: String) throws -> URL {
        let url = Self.outputDirectory.appendingPathComponent(name)
        try Data(html.utf8).write(to: url)
        return url
    }

    /// A fresh browser profile directory for one run.
    func profile(_ name: String) -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("clusterd-chromium-\(name)-\(getpid())")
        try? FileManager.default.removeItem(at: url)
        return url
    }

    @Test func theDOMHasALabelledBubblePerBaseClusterAndANodePerCluster() throws {
        let chromium = try browser()
        let model = ReportFixtures.model(baseCount: 60, parentCount: 6, hostileFirst: true)
        let page = try write(ReportHTML.render(model), named: "report-sample.html")
        let netLog = Self.outputDirectory.appendingPathComponent("report-sample.netlog.json")
        let dom = try chromium.run(
            ["--dump-dom", "--log-net-log=\(netLog.path)", "--net-log-capture-mode=Default"],
            page: page,
            profile: profile("dom")
        ).output
        #expect(dom.contains("data-render-ms=\""), "the page's script did not run")
        let bubbles = Self.matches(#"<g class="bubble[^"]*" data-id="[^"]+" aria-label="[^"]+""#, in: dom)
        #expect(bubbles == model.baseClusters.count)
        #expect(Self.matches(#"class="node[ "]"#, in: dom) == model.clusters.count)
        // The script filled the detail panel with the largest base cluster, as text.
        #expect(Self.matches(#"<aside id="detail"[^>]*><h3>"#, in: dom) == 1)
        #expect(!dom.contains("<script>alert"))
        let requests = try HeadlessChromium.pageRequests(netLog: netLog)
        #expect(requests.allSatisfy { $0 == page.absoluteString }, "the page asked for \(requests)")

        let screenshot = Self.outputDirectory.appendingPathComponent("report-sample.png")
        try? FileManager.default.removeItem(at: screenshot)
        _ = try chromium.run(["--screenshot=\(screenshot.path)"], page: page, profile: profile("shot"))
        let size = (try? FileManager.default.attributesOfItem(atPath: screenshot.path)[.size] as? Int) ?? 0
        #expect(size > 10_000, "no screenshot at \(screenshot.path)")
        print("report screenshot: \(screenshot.path) (\(size) bytes)")
    }

    /// The net-log check can fail: a page that loads an image over HTTP is caught.
    @Test func theNetworkCheckCatchesARequest() throws {
        let chromium = try browser()
        let page = try write(
            "<!DOCTYPE html><html><body><img src=\"http://127.0.0.1:9/x.png\"></body></html>",
            named: "leaky.html"
        )
        let netLog = Self.outputDirectory.appendingPathComponent("leaky.netlog.json")
        _ = try chromium.run(
            ["--dump-dom", "--log-net-log=\(netLog.path)", "--net-log-capture-mode=Default"],
            page: page,
            profile: profile("leak")
        )
        #expect(try HeadlessChromium.pageRequests(netLog: netLog).contains("http://127.0.0.1:9/x.png"))
    }

    @Test func aThousandBaseClustersRenderWithinTwoSeconds() throws {
        let chromium = try browser()
        let model = ReportFixtures.model(baseCount: 1000, parentCount: 40)
        let html = ReportHTML.render(model)
        let page = try write(html, named: "report-1000.html")
        let (dom, seconds) = try chromium.run(["--dump-dom"], page: page, profile: profile("big"))
        let rendered = try #require(
            dom.firstMatch(of: /data-render-ms="(\d+)"/).map { Int($0.1)! },
            "the page's script did not finish"
        )
        #expect(Self.matches(#"<g class="bubble" data-id"#, in: dom) == 1000)
        print(
            "report with 1000 base clusters (\(html.utf8.count / 1024) KiB): rendered in \(rendered) ms in the page "
                + "(navigation start to script end, layout forced); browser process \(String(format: "%.2f", seconds)) s"
        )
        #expect(rendered < 2000)
    }

    /// Matches of a regular expression in `text`.
    static func matches(_ pattern: String, in text: String) -> Int {
        guard let regex = try? NSRegularExpression(pattern: pattern) else { return -1 }
        return regex.numberOfMatches(in: text, range: NSRange(text.startIndex..., in: text))
    }
}
