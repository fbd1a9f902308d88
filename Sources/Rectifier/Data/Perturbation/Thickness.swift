/// Change of stroke thickness, the second step of the pipeline (Bengio et al. 2011, section 2;
/// ift6266 `thick.py`): one grey-level dilation (thicker strokes) or erosion (thinner) with a
/// small flat structuring element, then the result stretched back to the input's range of grey
/// levels, as `thick.py` renormalises.
///
/// Drawn as in `thick.py`: with `e = ceil(5 x complexity)` and `d = ceil(9 x complexity)`,
/// erosion has probability `e / (d + e + 1)`, dilation `d / (d + e + 1)`, nothing the rest;
/// the element is uniform among the first `e` (erosion: thin characters would vanish under
/// the larger ones) or first `d` (dilation) of `elements`, which grow from 1x2 to 4x3.
/// (The paper's text says ten elements up to 5x5; the code it ran uses these nine.)
public struct Thickness: Equatable, Sendable {
    /// Dilation thickens the strokes (light ink on dark background), erosion thins them.
    public enum Operation: Sendable, Equatable { case dilation, erosion }

    /// Which morphological operation.
    public var operation: Operation
    /// Index of the structuring element in `Thickness.elements`.
    public var element: Int

    /// The flat structuring elements of `thick.py`, in its order: rows, columns and the cells
    /// that belong to the element, row by row.
    public static let elements: [(rows: Int, columns: Int, cells: [Bool])] = [
        (1, 2, [true, true]),
        (2, 1, [true, true]),
        (2, 2, [Bool](repeating: true, count: 4)),
        (3, 3, [false, true, false, true, true, true, false, true, false]),
        (2, 3, [Bool](repeating: true, count: 6)),
        (3, 2, [Bool](repeating: true, count: 6)),
        (3, 3, [Bool](repeating: true, count: 9)),
        (3, 4, [Bool](repeating: true, count: 12)),
        (4, 3, [Bool](repeating: true, count: 12)),
    ]

    /// `operation` with structuring element `element` (an index into `elements`).
    public init(_ operation: Operation, element: Int) {
        precondition(Self.elements.indices.contains(element))
        self.operation = operation
        self.element = element
    }

    /// The thickness change for one image at `complexity`; nil (identity) when none is drawn.
    public static func draw(complexity: Float, rng: inout RandomSource) -> Thickness? {
        let erosions = Int((complexity * 5).rounded(.up)), dilations = Int((complexity * 9).rounded(.up))
        let total = Float(erosions + dilations + 1)
        let (pErode, pDilate) = (Float(erosions) / total, Float(dilations) / total)
        let u = rng.nextUnitFloat()
        if u > 1 - pDilate { return Thickness(.dilation, element: rng.nextInt(below: dilations)) }
        if u > 1 - pDilate - pErode { return Thickness(.erosion, element: rng.nextInt(below: erosions)) }
        return nil
    }

    /// Each element's cells as (row, column) offsets from its origin, the centre cell (for even
    /// sides the one after the middle, as in scipy.ndimage).
    static let offsets: [[(dy: Int, dx: Int)]] = elements.map { e in
        (0..<e.rows * e.columns).filter { e.cells[$0] }.map { ($0 / e.columns - e.rows / 2, $0 % e.columns - e.columns / 2) }
    }

    /// Dilates or erodes `image` in place. Neighbours outside the image are ignored.
    public func apply(to image: UnsafeMutablePointer<Float>, scratch: PerturbationScratch) {
        let (w, h, n) = (scratch.size.width, scratch.size.height, scratch.size.pixels)
        let offsets = Self.offsets[element]
        let src = scratch.source.pointer, out = scratch.work.pointer
        src.update(from: image, count: n)
        // Offset by offset over whole rows (the same comparisons, in the same order, as pixel by
        // pixel, but the inner loop vectorises); an offset falling outside the image is skipped.
        out.update(repeating: operation == .dilation ? -.infinity : .infinity, count: n)
        for o in offsets {
            let (x0, x1, y0, y1) = (max(0, -o.dx), min(w, w - o.dx), max(0, -o.dy), min(h, h - o.dy))
            guard x0 < x1, y0 < y1 else { continue }
            for y in y0..<y1 {
                let (line, shifted) = (out + y * w, src + (y + o.dy) * w + o.dx)
                if operation == .dilation {
                    for x in x0..<x1 { line[x] = max(line[x], shifted[x]) }
                } else {
                    for x in x0..<x1 { line[x] = min(line[x], shifted[x]) }
                }
            }
        }
        GreyRange(of: src, count: n).stretch(out, count: n, into: image)
    }
}
