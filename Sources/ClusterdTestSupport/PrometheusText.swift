/// Reads the Prometheus text exposition format, for tests that scrape `/metrics`.
public enum PrometheusText {
    /// Series (`name{labels}` exactly as written) → value; comments and malformed lines are skipped.
    public static func parse(_ text: String) -> [String: Double] {
        var values: [String: Double] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " ") else { continue }
            let value = line[line.index(after: space)...]
            let number: Double?
            switch value {
            case "+Inf": number = .infinity
            case "-Inf": number = -.infinity
            case "NaN": number = .nan
            default: number = Double(value)
            }
            if let number { values[String(line[..<space])] = number }
        }
        return values
    }
}
