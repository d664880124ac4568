import Testing

@testable import ClusterdClustering
@testable import ClusterdCore

@Suite struct HungarianTests {
    /// The largest total score over every one-to-one assignment, by brute force (small matrices only).
    private func bestTotal(_ scores: [[Double]]) -> Double {
        func search(_ row: Int, _ used: Set<Int>) -> Double {
            guard row < scores.count else { return 0 }
            var best = search(row + 1, used)
            for column in scores[row].indices where !used.contains(column) && scores[row][column] > 0 {
                best = max(best, scores[row][column] + search(row + 1, used.union([column])))
            }
            return best
        }
        return search(0, [])
    }

    private func total(_ scores: [[Double]], _ assignment: [Int?]) -> Double {
        assignment.enumerated().reduce(0) { sum, pair in sum + (pair.1.map { scores[pair.0][$0] } ?? 0) }
    }

    @Test func beatsGreedyWhereTheBestPairBlocksABetterWhole() {
        // Greedy takes (0, 0) = 0.9 and is left with (1, 1) = 0.1; the optimum is 0.8 + 0.85.
        let scores = [[0.9, 0.8], [0.85, 0.1]]
        #expect(Hungarian.maximize(scores) == [1, 0])
    }

    @Test func rectangularAndIneligiblePairsStayUnassigned() {
        #expect(Hungarian.maximize([[0.5, 0, 0.7]]) == [2])
        #expect(Hungarian.maximize([[0.5], [0.9], [0.2]]) == [nil, 0, nil])
        #expect(Hungarian.maximize([[0, 0], [0, 0]]) == [nil, nil])
        #expect(Hungarian.maximize([]) == [])
        #expect(Hungarian.maximize([[], []]) == [nil, nil])
    }

    @Test func matchesBruteForceOnRandomMatrices() {
        var generator = SeededGenerator(seed: 5)
        for trial in 0..<200 {
            let rows = 1 + generator.nextIndex(below: 5)
            let columns = 1 + generator.nextIndex(below: 5)
            let scores = (0..<rows).map { _ in
                (0..<columns).map { _ in generator.nextUnitDouble() < 0.3 ? 0 : generator.nextUnitDouble() }
            }
            let assignment = Hungarian.maximize(scores)
            let columnsUsed = assignment.compactMap { $0 }
            #expect(Set(columnsUsed).count == columnsUsed.count, "trial \(trial): not one-to-one")
            #expect(abs(total(scores, assignment) - bestTotal(scores)) < 1e-9, "trial \(trial): \(scores)")
        }
    }
}
