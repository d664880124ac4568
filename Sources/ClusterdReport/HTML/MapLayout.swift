/// The map in pixels: each base cluster's circle (centre from its layout coordinates fitted into the view, area by
/// conversations) and which of them get a visible label (largest first, where the label fits inside its circle's
/// width, or 64 pixels, truncated to that, and overlaps no label already placed; the others show their name on
/// hover).
struct MapLayout {
    /// One base cluster on the map.
    struct Bubble {
        /// The cluster.
        var cluster: ReportCluster
        /// Centre, pixels.
        var centre: MapPoint
        /// Radius, pixels.
        var radius: Double
        /// The visible label, nil when it does not fit.
        var label: String?
    }

    /// View width, pixels.
    static let width = 1000.0
    /// View height, pixels.
    static let height = 640.0
    /// Margin around the fitted points, pixels (more when the largest circle's radius is more).
    static let margin = 48.0
    /// Label font size, pixels.
    static let fontSize = 11.0
    /// Characters of a visible label, at most.
    static let labelCharacters = 26
    /// Characters of a visible label, at least (a shorter one is left to the hover text).
    static let minimumLabelCharacters = 8
    /// A label may be as wide as 2.6 radii, or this many pixels.
    static let minimumLabelWidth = 64.0
    /// Bubbles smaller than this carry no visible label.
    static let minimumLabelledRadius = 4.0

    /// The bubbles, largest first (drawn in that order, so small ones stay on top).
    let bubbles: [Bubble]

    /// Lays out the base clusters of `clusters`.
    init(_ clusters: [ReportCluster]) {
        let base = clusters.filter { $0.level == 0 }.sorted { ($0.size, $1.stableID) > ($1.size, $0.stableID) }
        let xs = base.map { $0.x ?? 0 }
        let ys = base.map { $0.y ?? 0 }
        let spanX = max((xs.max() ?? 0) - (xs.min() ?? 0), 1e-9)
        let spanY = max((ys.max() ?? 0) - (ys.min() ?? 0), 1e-9)
        let total = Double(max(1, base.reduce(0) { $0 + max(0, $1.size) }))
        let areaScale = (0.2 * Self.width * Self.height / (Double.pi * total)).squareRoot()
        let radii = base.map { min(90, max(3, areaScale * Double(max(0, $0.size)).squareRoot())) }
        // The largest circle stays inside the view wherever its centre lands.
        let margin = max(Self.margin, (radii.max() ?? 0) + 2)
        let scale = min((Self.width - 2 * margin) / spanX, (Self.height - 2 * margin) / spanY)
        let offsetX = (Self.width - spanX * scale) / 2 - (xs.min() ?? 0) * scale
        let offsetY = (Self.height - spanY * scale) / 2 - (ys.min() ?? 0) * scale
        var placedLabels: [(x0: Double, y0: Double, x1: Double, y1: Double)] = []
        var bubbles: [Bubble] = []
        for (cluster, radius) in zip(base, radii) {
            let centre =
                base.count == 1
                ? MapPoint(x: Self.width / 2, y: Self.height / 2)
                : MapPoint(x: (cluster.x ?? 0) * scale + offsetX, y: (cluster.y ?? 0) * scale + offsetY)
            let room = Int(max(radius * 2.6, Self.minimumLabelWidth) / (Self.fontSize * 0.58))
            let text = ReportModelBuilder.truncated(cluster.name, to: min(Self.labelCharacters, room))
            let labelWidth = Double(text.count) * Self.fontSize * 0.58
            let box = (
                x0: centre.x - labelWidth / 2, y0: centre.y - Self.fontSize * 0.7,
                x1: centre.x + labelWidth / 2, y1: centre.y + Self.fontSize * 0.7
            )
            let fits =
                radius >= Self.minimumLabelledRadius && room >= Self.minimumLabelCharacters
                && !placedLabels.contains { $0.x0 < box.x1 && box.x0 < $0.x1 && $0.y0 < box.y1 && box.y0 < $0.y1 }
            if fits { placedLabels.append(box) }
            bubbles.append(Bubble(cluster: cluster, centre: centre, radius: radius, label: fits ? text : nil))
        }
        self.bubbles = bubbles
    }
}
