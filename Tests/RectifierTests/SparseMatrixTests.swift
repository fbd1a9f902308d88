import Rectifier
import Testing

struct SparseMatrixTests {
    static let dense = Matrix(rows: 3, columns: 4, storage: [0, 2, 0, 0,
                                                             0, 0, 0, 0,
                                                             1, 0, 0, -3])

    @Test func keepsOnlyTheNonZerosRowByRow() {
        let s = SparseMatrix(Self.dense)
        #expect(s.rows == 3 && s.columns == 4 && s.nonZeros == 3)
        #expect(s.rowStart == [0, 1, 1, 3])
        #expect(s.columnIndices == [1, 0, 3] && s.values == [2, 1, -3])
        #expect(s.density == 0.25)
        #expect(s.densified() == Self.dense)
        #expect(Array(s.row(2).map(\.0)) == [0, 3])
    }

    @Test func gatherAndAppendMatchTheDenseOperations() {
        let s = SparseMatrix(Self.dense)
        #expect(s.gatherRows([2, 0, 2]).densified() == Self.dense.gatherRows([2, 0, 2]))
        let both = s.appending(s.gatherRows([0]))
        #expect(both.rows == 4 && both.rowStart == [0, 1, 1, 3, 4])
        #expect(both.densified().row(3) == Self.dense.row(0))
    }

    @Test func buildsRowsAndDropsZeros() {
        var s = SparseMatrix(columns: 5)
        s.append(row: [(0, 1), (2, 0), (4, 0.5)])
        s.append(row: [])
        #expect(s.rows == 2 && s.nonZeros == 2 && s.rowStart == [0, 2, 2])
    }

    @Test func refusesInconsistentArrays() {
        #expect(SparseMatrix(rows: 1, columns: 3, rowStart: [0, 2], columnIndices: [1, 1], values: [1, 1]) == nil)
        #expect(SparseMatrix(rows: 1, columns: 3, rowStart: [0, 1], columnIndices: [3], values: [1]) == nil)
        #expect(SparseMatrix(rows: 2, columns: 3, rowStart: [0, 2, 1], columnIndices: [0, 1], values: [1, 1]) == nil)
        #expect(SparseMatrix(rows: 1, columns: 3, rowStart: [0, 1], columnIndices: [2], values: [1, 2]) == nil)
        #expect(SparseMatrix(rows: 1, columns: 3, rowStart: [0, 2], columnIndices: [0, 2], values: [1, 2]) != nil)
    }
}
