import ClusterdCore

/// A Linear layer's weight [in, out] stored as column panels: panel j holds columns j·width ..< (j+1)·width as one
/// contiguous row-major [in, width] block. Multiplying by one panel reads one contiguous block, which OpenBLAS's
/// small-matrix kernels stream at memory speed without packing; whole products are panel by panel.
struct PanelMatrix: Sendable {
    /// Rows (the layer's input size).
    let inputSize: Int
    /// Columns (the layer's output size).
    let outputSize: Int
    /// Columns per panel (the last may be narrower).
    let panelWidth: Int
    /// The panels, one after another.
    let values: [Float]

    /// Panels of `weight`, stored [out, in] as in the safetensors file.
    init(storedOutIn weight: [Float], outputSize: Int, inputSize: Int, panelWidth: Int) {
        self.inputSize = inputSize
        self.outputSize = outputSize
        self.panelWidth = max(1, panelWidth)
        var values = [Float](repeating: 0, count: weight.count)
        var offset = 0
        var start = 0
        while start < outputSize {
            let width = min(self.panelWidth, outputSize - start)
            for row in 0..<inputSize {
                for column in 0..<width {
                    values[offset + row * width + column] = weight[(start + column) * inputSize + row]
                }
            }
            offset += width * inputSize
            start += width
        }
        self.values = values
    }

    /// Number of panels.
    var panelCount: Int { (outputSize + panelWidth - 1) / panelWidth }

    /// Columns of panel `index`.
    func width(ofPanel index: Int) -> Int { min(panelWidth, outputSize - index * panelWidth) }

    /// The offset of panel `index` in `values`.
    func offset(ofPanel index: Int) -> Int { index * panelWidth * inputSize }
}
