import Foundation
import Rectifier
import Testing

/// The CSV reader (RFC 4180).
@Suite struct CSVTableTests {
    @Test func readsHeaderAndRowsAndLooksColumnsUpByName() throws {
        let path = writeTextFile("rating,text\n5,good\n1,bad\n")
        let table = try CSVTable.read(path)
        #expect(table.header == ["rating", "text"])
        #expect(table.rowCount == 2 && table.columnCount == 2)
        #expect(try table.column("text") == ["good", "bad"])
        #expect(table[1, try table.columnIndex("rating")] == "1")
        #expect(table.rowLines == [2, 3])
        expectFileError(path, containing: "no column named \"stars\" (columns: \"rating\", \"text\")") { _ = try table.column("stars") }
    }

    @Test func quotedFieldsHoldCommasQuotesAndLineBreaks() throws {
        let path = writeTextFile("id,text\n1,\"a, b\"\n2,\"say \"\"hi\"\"\"\n3,\"two\nlines\r\nhere\"\n4,\"\"\n5,plain\n")
        let table = try CSVTable.read(path)
        #expect(try table.column("text") == ["a, b", "say \"hi\"", "two\nlines\r\nhere", "", "plain"])
        #expect(table.rowLines == [2, 3, 4, 7, 8])
    }

    @Test func acceptsCRLFAndAMissingFinalLineBreakAndABOM() throws {
        let expected = [["a", "b"], ["1", ""], ["", "2"]]
        for text in ["a,b\r\n1,\r\n,2\r\n", "a,b\n1,\n,2", "\u{FEFF}a,b\r\n1,\n,2\r\n"] {
            let table = try CSVTable.read(writeTextFile(text))
            #expect([table.header] + (0..<table.rowCount).map { r in (0..<2).map { table[r, $0] } } == expected, "\(text.debugDescription)")
        }
        let headerOnly = try CSVTable.read(writeTextFile("x,y\n"))
        #expect(headerOnly.header == ["x", "y"] && headerOnly.rowCount == 0)
        // A lone CR (not followed by LF) is data, not a line end.
        #expect(try CSVTable.read(writeTextFile("a\nx\ry\n")).column("a") == ["x\ry"])
    }

    @Test func refusesMalformedFilesNamingTheLineWhereTheRecordStarts() {
        let cases: [(String, String)] = [
            ("a,b\n1,2\n3,\"open\nstill open\n", "line 3: quote opened on line 3 is never closed"),
            ("a,b\n1,2\n3\n", "line 3: 1 fields, the header has 2"),
            ("a,b\n1,\"x\ny\",extra\n", "line 2: 3 fields, the header has 2"),
            ("a,b\n1,2\n\n", "line 3: 1 fields"),
            ("a,b\n1,x\"y\n", "line 2: a quote inside an unquoted field"),
            ("a,b\n1,\"x\"y\n", "line 2: text after the closing quote"),
            ("a,a\n1,2\n", "line 1: column name \"a\" appears twice"),
            ("", "empty file: no header row"),
            ("\u{FEFF}", "empty file"),
        ]
        for (text, fragment) in cases {
            let path = writeTextFile(text)
            expectFileError(path, containing: fragment) { _ = try CSVTable.read(path) }
        }
    }

    @Test func readsALongFileInOnePass() throws {
        // 20,000 rows, one field of a quoted paragraph each: linear work, not quadratic.
        let row = "\"" + String(repeating: "word, \"\"quoted\"\" ", count: 5) + "\"\n"
        let table = try CSVTable.read(writeTextFile("text\n" + String(repeating: row, count: 20_000)))
        #expect(table.rowCount == 20_000)
        #expect(table[19_999, 0] == String(repeating: "word, \"quoted\" ", count: 5))
    }
}

/// The svmlight / libsvm reader.
@Suite struct SVMLightTests {
    /// Found by fuzzing: a file with no feature gave a width of -1, and its matrix trapped.
    @Test func aFileWithoutFeaturesIsAMatrixWithoutColumns() throws {
        for text in ["", "1\n0\n"] {
            let file = try SVMLight.parse(Array(text.utf8), path: "f", badLines: .skip)
            #expect(file.width(zeroBased: false) == 0 && file.width(zeroBased: true) == 0)
            let matrix = try file.matrix()
            #expect(matrix.columns == 0 && matrix.rows == file.count)
        }
    }

    @Test func readsLabelsAndSparseRows() throws {
        let path = writeTextFile("+1 1:0.5 3:2 # first\n-1 qid:3 2:1e-2\n# only a comment\n\n  \npositive\t4:-.5\r\n7 2:0\n")
        let file = try SVMLight.read(path)
        #expect(file.labels == ["+1", "-1", "positive", "7"])
        #expect(file.lines == [1, 2, 6, 7])
        #expect(file.row(0).map(\.column) == [0, 2] && file.row(0).map(\.value) == [0.5, 2])
        #expect(file.row(1).map(\.column) == [1] && file.row(1).map(\.value) == [0.01])
        #expect(file.row(2).map(\.column) == [3] && file.row(2).map(\.value) == [-0.5])
        #expect(file.row(3).map(\.value) == [0])
        #expect(file.largestIndex == 4)
        #expect(file.rowStart == [0, 2, 3, 4, 5])
    }

    @Test func givesASparseMatrix() throws {
        let file = try SVMLight.read(writeTextFile("1 1:1 3:2\n0\n1 2:0 4:3\n"))
        let matrix = try file.matrix()
        #expect(matrix.rows == 3 && matrix.columns == 4)
        #expect(matrix.densified() == Matrix(rows: 3, columns: 4, storage: [1, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 3]))
        #expect(try file.matrix(columns: 10).columns == 10)
        #expect(throws: UsageError.self) { try file.matrix(columns: 3) }
    }

    @Test func refusesMalformedLinesNamingTheLine() {
        let cases: [(String, String)] = [
            ("1 1:1\n1 3:1 2:1\n", "line 2: index 2 after 3: indices must increase strictly"),
            ("1 2:1 2:1\n", "index 2 after 2"),
            ("1 2147483647:1\n", "is not an integer from 0 to 2147483646"),
            ("1 x:1\n", "index «x»"),
            ("1 1:abc\n", "value «abc» of index 1 is not a finite number"),
            ("1 1:nan\n", "value «nan»"),
            ("1 1:1e39\n", "not a finite number in float range"),
            ("1 1:\n", "value «»"),
            ("1 1:1 junk\n", "feature «junk» is not index:value"),
            ("1:1 2:1\n", "line 1: no label"),
            ("1 qid:x 1:1\n", "«qid:x» is not qid:N"),
        ]
        for (text, fragment) in cases {
            let path = writeTextFile(text)
            expectFileError(path, containing: fragment) { _ = try SVMLight.read(path) }
        }
    }

    @Test func skipsAndCountsBadLinesWhenAsked() throws {
        let file = try SVMLight.read(writeTextFile("1 1:1\n2 9:1 8:1\n3 2:x\n4 5:1\n"), badLines: .skip)
        #expect(file.labels == ["1", "4"])
        #expect(file.skipped.count == 2)
        #expect(file.largestIndex == 5 && file.width(zeroBased: false) == 5, "indices of skipped lines do not count")
        #expect(file.rowStart == [0, 1, 2] && file.indices == [1, 5])
    }

    /// scikit-learn's dump_svmlight_file writes 0-based indices: a file with an index 0 is read
    /// 0-based throughout (as its load_svmlight_file's zero_based="auto"), else 1-based.
    @Test func zeroBasedIndicesAreDetected() throws {
        let zero = try SVMLight.read(writeTextFile("1 0:1 3:2\n0 1:5\n"))
        #expect(zero.hasZeroIndex && zero.row(0).map(\.column) == [0, 3] && zero.row(1).map(\.column) == [1])
        #expect(try zero.matrix().densified() == Matrix(rows: 2, columns: 4, storage: [1, 0, 0, 2, 0, 5, 0, 0]))
        let one = try SVMLight.read(writeTextFile("1 1:1 3:2\n"))
        #expect(try !one.hasZeroIndex && one.row(0).map(\.column) == [0, 2] && one.matrix().columns == 3)
        #expect(throws: UsageError.self) { try zero.matrix(zeroBased: false) }
    }
}
