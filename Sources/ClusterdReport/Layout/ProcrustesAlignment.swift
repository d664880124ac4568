import Foundation

/// Orthogonal Procrustes alignment of a new 2-D layout to a previous one through the ids both share: the rotation or
/// reflection and the translation that bring the shared points closest to their previous places (least squares, no
/// scaling), applied to every new point. With one shared id only the translation applies; with none the layout is
/// returned as it is.
public enum ProcrustesAlignment {
    /// `current` moved onto `previous` through their shared ids.
    public static func align(_ current: [String: MapPoint], to previous: [String: MapPoint]) -> [String: MapPoint] {
        let shared = current.keys.filter { previous[$0] != nil }.sorted()
        guard !shared.isEmpty else { return current }
        let currentMean = mean(shared.map { current[$0]! })
        let previousMean = mean(shared.map { previous[$0]! })
        // H = Σ c pᵀ over the centred shared points; the best orthogonal R maximises tr(R H).
        var h11 = 0.0
        var h12 = 0.0
        var h21 = 0.0
        var h22 = 0.0
        for id in shared {
            let c = current[id]!
            let p = previous[id]!
            let cx = c.x - currentMean.x
            let cy = c.y - currentMean.y
            let px = p.x - previousMean.x
            let py = p.y - previousMean.y
            h11 += cx * px
            h12 += cx * py
            h21 += cy * px
            h22 += cy * py
        }
        let transform = bestOrthogonal(h11: h11, h12: h12, h21: h21, h22: h22)
        return current.mapValues { point in
            let x = point.x - currentMean.x
            let y = point.y - currentMean.y
            return MapPoint(
                x: transform.a * x + transform.b * y + previousMean.x,
                y: transform.c * x + transform.d * y + previousMean.y
            )
        }
    }

    /// A 2×2 matrix [[a, b], [c, d]].
    struct Matrix2 {
        /// Row 1, column 1.
        var a: Double
        /// Row 1, column 2.
        var b: Double
        /// Row 2, column 1.
        var c: Double
        /// Row 2, column 2.
        var d: Double
    }

    /// The rotation or reflection R maximising tr(R H): a rotation by θ gives cos θ (h11 + h22) + sin θ (h12 − h21),
    /// a reflection [[cos θ, sin θ], [sin θ, −cos θ]] gives cos θ (h11 − h22) + sin θ (h12 + h21).
    static func bestOrthogonal(h11: Double, h12: Double, h21: Double, h22: Double) -> Matrix2 {
        let rotationScore = ((h11 + h22) * (h11 + h22) + (h12 - h21) * (h12 - h21)).squareRoot()
        let reflectionScore = ((h11 - h22) * (h11 - h22) + (h12 + h21) * (h12 + h21)).squareRoot()
        if rotationScore >= reflectionScore {
            let angle = atan2(h12 - h21, h11 + h22)
            return Matrix2(a: cos(angle), b: -sin(angle), c: sin(angle), d: cos(angle))
        }
        let angle = atan2(h12 + h21, h11 - h22)
        return Matrix2(a: cos(angle), b: sin(angle), c: sin(angle), d: -cos(angle))
    }

    /// The centroid of points.
    private static func mean(_ points: [MapPoint]) -> MapPoint {
        let count = Double(points.count)
        return MapPoint(
            x: points.reduce(0) { $0 + $1.x } / count,
            y: points.reduce(0) { $0 + $1.y } / count
        )
    }
}
