import ClusterdCore

/// The Hungarian (Kuhn–Munkres) algorithm: a one-to-one assignment of rows to columns with the largest total score.
///
/// O(n²·m) for n ≤ m (the matrix is transposed otherwise). Deterministic: the same matrix gives the same assignment.
enum Hungarian {
    /// For each row, the column it is assigned to, or nil. Only pairs with a score above zero are reported, so a
    /// row whose best available pair scores 0 (an ineligible pair) stays unassigned; the total score of the
    /// reported pairs is the largest possible.
    static func maximize(_ scores: [[Double]]) -> [Int?] {
        let rows = scores.count
        let columns = scores.first?.count ?? 0
        guard rows > 0, columns > 0 else { return [Int?](repeating: nil, count: rows) }
        if rows > columns {
            let transposed = (0..<columns).map { column in (0..<rows).map { scores[$0][column] } }
            var result = [Int?](repeating: nil, count: rows)
            for (column, row) in maximize(transposed).enumerated() {
                if let row { result[row] = column }
            }
            return result
        }
        // Minimise the cost −score (ineligible pairs score 0, the same as staying unassigned).
        let columnOfRow = minimizeCost(rows: rows, columns: columns) { row, column in -max(0, scores[row][column]) }
        return columnOfRow.enumerated().map { row, column in scores[row][column] > 0 ? column : nil }
    }

    /// The classic potentials formulation for `rows` ≤ `columns`: the column of each row in a minimum-cost
    /// assignment.
    private static func minimizeCost(rows: Int, columns: Int, cost: (Int, Int) -> Double) -> [Int] {
        // 1-based as in the textbook: index 0 is the virtual row/column.
        var rowPotential = [Double](repeating: 0, count: rows + 1)
        var columnPotential = [Double](repeating: 0, count: columns + 1)
        var rowOfColumn = [Int](repeating: 0, count: columns + 1)
        var way = [Int](repeating: 0, count: columns + 1)
        for row in 1...rows {
            rowOfColumn[0] = row
            var column0 = 0
            var minimum = [Double](repeating: .infinity, count: columns + 1)
            var used = [Bool](repeating: false, count: columns + 1)
            repeat {
                used[column0] = true
                let row0 = rowOfColumn[column0]
                var delta = Double.infinity
                var column1 = 0
                for column in 1...columns where !used[column] {
                    let reduced = cost(row0 - 1, column - 1) - rowPotential[row0] - columnPotential[column]
                    if reduced < minimum[column] {
                        minimum[column] = reduced
                        way[column] = column0
                    }
                    if minimum[column] < delta {
                        delta = minimum[column]
                        column1 = column
                    }
                }
                for column in 0...columns {
                    if used[column] {
                        rowPotential[rowOfColumn[column]] += delta
                        columnPotential[column] -= delta
                    } else {
                        minimum[column] -= delta
                    }
                }
                column0 = column1
            } while rowOfColumn[column0] != 0
            repeat {
                let column1 = way[column0]
                rowOfColumn[column0] = rowOfColumn[column1]
                column0 = column1
            } while column0 != 0
        }
        var columnOfRow = [Int](repeating: 0, count: rows)
        for column in 1...columns where rowOfColumn[column] != 0 {
            columnOfRow[rowOfColumn[column] - 1] = column - 1
        }
        return columnOfRow
    }
}
