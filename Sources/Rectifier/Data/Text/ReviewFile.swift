/// The raw reviews of the Multi-Domain Sentiment Dataset (Blitzer et al. 2007): pseudo-XML,
/// a `<reviews>` root holding `<review>` records whose child elements (`unique_id`, `asin`,
/// `product_name`, `product_type`, `helpful`, `rating`, `title`, `date`, `reviewer`,
/// `reviewer_location`, `review_text`) have their tags and their values on lines of their own:
///
///     <review>
///     <rating>
///     5.0
///     </rating>
///     <review_text>
///     Text, on as many lines as it takes.
///     </review_text>
///     </review>
///
/// It is not well-formed XML, so it is read by lines, not by an XML parser: inside an element
/// everything up to the line holding its closing tag is the value, stray `&` and `<` included.
/// Entities are decoded (see `Entities`) unless asked not to. Unknown elements are ignored.
public struct ReviewFile: Equatable, Sendable {
    /// One `<review>` record. Values have their surrounding white space removed; a value of
    /// several lines keeps its line breaks (LF). Elements a record lacks are empty strings.
    public struct Review: Equatable, Sendable {
        public var uniqueID = ""
        public var asin = ""
        public var productName = ""
        public var productType = ""
        /// As written, e.g. `3 of 5` (helpful votes of total votes).
        public var helpful = ""
        /// The reviewer's star rating.
        public var rating: Double
        public var title = ""
        public var date = ""
        public var reviewer = ""
        public var reviewerLocation = ""
        /// The review itself (`review_text`).
        public var text = ""
        /// Line of the file holding the record's `<review>` tag.
        public var line: Int

        public init(rating: Double, text: String, title: String = "", line: Int = 0) {
            self.rating = rating
            self.text = text
            self.title = title
            self.line = line
        }
    }

    /// The records, in file order.
    public var reviews: [Review]
    /// Records (and stray lines outside records) passed over under `BadRecordPolicy.skip`.
    public var skipped: SkippedRecords

    public init(reviews: [Review], skipped: SkippedRecords = SkippedRecords()) {
        self.reviews = reviews
        self.skipped = skipped
    }

    /// Reads a review file (raw or gzip-compressed) of at most `limit` bytes. A record without a
    /// rating, a rating that is not a number, an element or record that is not closed, a
    /// repeated element or text outside the elements is a `FileError` `path: line N: ...`
    /// (N the line of the problem, or of the record's `<review>`), or is skipped under `.skip`.
    /// `decodesEntities: false` keeps `&quot;` and the like as written, which is what the
    /// processed_acl files were made from (see `Tokenizer`).
    public static func read(_ path: String, badRecords: BadRecordPolicy = .fail, decodesEntities: Bool = true,
                            limit: Int = FileIO.defaultSizeLimit) throws -> ReviewFile {
        try parse(ByteScanning.readText(path, limit: limit), path: path, badRecords: badRecords, decodesEntities: decodesEntities)
    }

    /// Parses the bytes of a review file; `path` names it in errors.
    public static func parse(_ bytes: [UInt8], path: String, badRecords: BadRecordPolicy = .fail,
                             decodesEntities: Bool = true) throws -> ReviewFile {
        var parser = Parser(path: path, policy: badRecords, decodesEntities: decodesEntities)
        try bytes.withUnsafeBufferPointer { buffer in
            try ByteScanning.forEachLine(buffer) { number, range in try parser.line(number, range, buffer) }
            try parser.finish()
        }
        return ReviewFile(reviews: parser.reviews, skipped: parser.skipped)
    }

    /// The line-by-line state machine: outside a record, inside one between elements, inside an
    /// element, or discarding the rest of a rejected record.
    struct Parser {
        let path: String
        let policy: BadRecordPolicy
        let decodesEntities: Bool
        var reviews: [Review] = []
        var skipped = SkippedRecords()
        /// Line of the open record's `<review>`, and its elements so far: value and line of the tag.
        var record: (line: Int, elements: [String: (value: String, line: Int)])?
        /// The open element: its name, the line of its tag, the lines of its value.
        var element: (name: String, line: Int, lines: [Range<Int>])?
        var discarding = false

        init(path: String, policy: BadRecordPolicy, decodesEntities: Bool) {
            self.path = path
            self.policy = policy
            self.decodesEntities = decodesEntities
        }

        mutating func line(_ number: Int, _ range: Range<Int>, _ buffer: UnsafeBufferPointer<UInt8>) throws {
            let line = ByteScanning.trimmed(buffer, range)
            let isRecordEnd = ByteScanning.equals(buffer, line, "</review>")
            let isRecordStart = ByteScanning.equals(buffer, line, "<review>")
            if discarding {
                if isRecordEnd || isRecordStart { discarding = false }
                if isRecordStart { record = (number, [:]) }
                return
            }
            if let open = element {
                if let name = Self.tagName(buffer, line, closing: true), name == open.name {
                    try close(open, buffer)
                } else if isRecordEnd {
                    try reject("line \(number): </review> before </\(open.name)> (opened on line \(open.line))", discardingRest: false)
                } else {
                    element!.lines.append(range)
                }
                return
            }
            guard let current = record else {
                if isRecordStart {
                    record = (number, [:])
                } else if !line.isEmpty, !ByteScanning.equals(buffer, line, "<reviews>"), !ByteScanning.equals(buffer, line, "</reviews>") {
                    try reject("line \(number): text outside a <review> record: \(ByteScanning.excerpt(buffer, line))", discardingRest: false)
                }
                return
            }
            if line.isEmpty { return }
            if isRecordEnd {
                try finishRecord(current)
            } else if isRecordStart {
                try reject("line \(current.line): record not terminated (a new <review> starts on line \(number))", discardingRest: false)
                record = (number, [:])
            } else if let name = Self.tagName(buffer, line, closing: false) {
                element = (name, number, [])
            } else {
                try reject("line \(number): expected an element tag or </review> in the record of line \(current.line), found \(ByteScanning.excerpt(buffer, line))",
                           discardingRest: true)
            }
        }

        /// At the end of the file: a record still open is unterminated.
        mutating func finish() throws {
            if let open = record {
                try reject("line \(open.line): record not terminated (no </review> before the end of the file)", discardingRest: false)
            }
        }

        /// Stores the value of the element that just closed.
        mutating func close(_ open: (name: String, line: Int, lines: [Range<Int>]), _ buffer: UnsafeBufferPointer<UInt8>) throws {
            element = nil
            guard record!.elements[open.name] == nil else {
                try reject("line \(open.line): a second <\(open.name)> in the record of line \(record!.line)", discardingRest: true)
                return
            }
            var joined: [UInt8] = []
            for (k, range) in open.lines.enumerated() {
                if k > 0 { joined.append(ByteScanning.newline) }
                joined.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[range]))
            }
            let value = joined.withUnsafeBufferPointer { bytes in
                let kept = ByteScanning.trimmed(bytes, 0..<bytes.count)
                guard decodesEntities else { return ByteScanning.lenientString(bytes, kept) }
                return String(decoding: Entities.decode(bytes, kept), as: UTF8.self)
            }
            record!.elements[open.name] = (value, open.line)
        }

        /// Builds the review of a record whose `</review>` was reached.
        mutating func finishRecord(_ current: (line: Int, elements: [String: (value: String, line: Int)])) throws {
            record = nil
            guard let rating = current.elements["rating"] else {
                try reject("line \(current.line): record has no <rating>", discardingRest: false)
                return
            }
            let number = Array(rating.value.utf8).withUnsafeBufferPointer { ByteScanning.decimal($0, 0..<$0.count) }
            guard let number else {
                let shown = Array(rating.value.utf8).withUnsafeBufferPointer { ByteScanning.excerpt($0, 0..<$0.count) }
                try reject("line \(rating.line): rating \(shown) is not a number", discardingRest: false)
                return
            }
            let value = { (name: String) in current.elements[name]?.value ?? "" }
            var review = Review(rating: number, text: value("review_text"), title: value("title"), line: current.line)
            review.uniqueID = value("unique_id")
            review.asin = value("asin")
            review.productName = value("product_name")
            review.productType = value("product_type")
            review.helpful = value("helpful")
            review.date = value("date")
            review.reviewer = value("reviewer")
            review.reviewerLocation = value("reviewer_location")
            reviews.append(review)
        }

        /// Fails, or drops the open record (and with `discardingRest`, its remaining lines).
        mutating func reject(_ problem: String, discardingRest: Bool) throws {
            try policy.handle(FileError(path, problem), &skipped)
            discarding = discardingRest && record != nil
            record = nil
            element = nil
        }

        /// The name of a line that is exactly `<name>` (or `</name>` when `closing`), the name
        /// made of ASCII letters, digits, `_`, `-` and `.`; else nil.
        static func tagName(_ buffer: UnsafeBufferPointer<UInt8>, _ line: Range<Int>, closing: Bool) -> String? {
            let open = closing ? 2 : 1
            guard line.count > open + 1, buffer[line.lowerBound] == UInt8(ascii: "<"),
                  buffer[line.upperBound - 1] == UInt8(ascii: ">"),
                  closing == (buffer[line.lowerBound + 1] == UInt8(ascii: "/")) else { return nil }
            let name = (line.lowerBound + open)..<(line.upperBound - 1)
            for k in name {
                let b = buffer[k]
                guard ByteScanning.isAlphanumeric(b) || b == UInt8(ascii: "_") || b == UInt8(ascii: "-") || b == UInt8(ascii: ".") else { return nil }
            }
            return ByteScanning.string(buffer, name)
        }
    }
}
