@testable import Backprop
import BackpropKernels
import Testing

/// `bp_gemm`, the convolutional engine's products in C: every element of C must be the sum of
/// its products in the order of k (fused multiply-adds on AVX2 and AVX-512, separate ones in the
/// portable copy) — the same bits as a plain loop — for every shape of block, tail and leading
/// dimension, on every instruction set the CPU has.
@Suite("Matrix products in C (bp_gemm)")
struct ProductsTests {
    /// (m, n, k): full blocks and every kind of remainder — rows short of a block, columns short
    /// of a vector or of a block, k short of and past a pass over B, and k = 0; one block of
    /// rows or fewer, which reads B a few whole rows at a time.
    static let shapes: [(Int, Int, Int)] = [(1, 1, 1), (6, 64, 500), (40, 320, 25), (7, 17, 129), (13, 48, 300), (5, 130, 3),
                                            (25, 32, 257), (3, 8, 0), (12, 65, 40), (5, 1000, 37), (6, 40, 19)]

    /// C as the plain loop computes it: for each element, sum = fma(a, b, sum) over k in order
    /// (a·b + sum, rounded twice, for the portable copy), starting from C with `accumulate`.
    static func loop(isa: Int32, m: Int, n: Int, k: Int, a: [Float], lda: Int, b: [Float], ldb: Int, c: [Float], ldc: Int,
                     accumulate: Bool) -> [Float] {
        var c = c
        for i in 0..<m {
            for j in 0..<n {
                var sum: Float = accumulate ? c[i * ldc + j] : 0
                for p in 0..<k {
                    if isa == 0 { sum = a[i * lda + p] * b[p * ldb + j] + sum } else { sum.addProduct(a[i * lda + p], b[p * ldb + j]) }
                }
                c[i * ldc + j] = sum
            }
        }
        return c
    }

    @Test("Each element is the sum of its products in the order of k, as a plain loop gives it",
          arguments: ConvolutionKernelsTests.instructionSets, [false, true])
    func sameAsLoop(isa: Int32, accumulate: Bool) {
        var generator = SeededGenerator(seed: 21)
        for (m, n, k) in Self.shapes {
            // Leading dimensions wider than the matrices, to catch a stride taken for a width.
            let (lda, ldb, ldc) = (k + 3, n + 5, n + 2)
            let a = (0..<max(m * lda, 1)).map { _ in Float(generator.nextUniform() * 2 - 1) }
            let b = (0..<max(k * ldb, 1)).map { _ in Float(generator.nextUniform() * 2 - 1) }
            let c = (0..<m * ldc).map { _ in Float(generator.nextUniform() * 2 - 1) }
            var result = c
            bp_gemm(isa, Int32(m), Int32(n), Int32(k), a, lda, b, ldb, &result, ldc, accumulate ? 1 : 0)
            let expected = Self.loop(isa: isa, m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb, c: c, ldc: ldc, accumulate: accumulate)
            #expect(result == expected, "m \(m), n \(n), k \(k)")
            // The padding between rows of C is left alone.
            for i in 0..<m { #expect(result[(i * ldc + n)..<(i * ldc + ldc)] == c[(i * ldc + n)..<(i * ldc + ldc)]) }
        }
    }

    @Test("With A transposed (BP2's (wˡ)ᵀδˡ), the same sums in the same order", arguments: ConvolutionKernelsTests.instructionSets)
    func transposedA(isa: Int32) {
        var generator = SeededGenerator(seed: 23)
        for (m, n, k) in Self.shapes {
            let lda = m + 2  // A is k × m here: row p holds column p of the product's left factor
            let stored = (0..<max(k * lda, 1)).map { _ in Float(generator.nextUniform() * 2 - 1) }
            let b = (0..<max(k * n, 1)).map { _ in Float(generator.nextUniform() * 2 - 1) }
            var result = [Float](repeating: .nan, count: m * n)
            bp_gemm_tn(isa, Int32(m), Int32(n), Int32(k), stored, lda, b, n, &result, n, 0)
            let a = (0..<max(m * k, 1)).map { k == 0 ? 0 : stored[($0 % k) * lda + $0 / k] }
            let expected = Self.loop(isa: isa, m: m, n: n, k: k, a: a, lda: k, b: b, ldb: n, c: result, ldc: n, accumulate: false)
            #expect(result == expected, "m \(m), n \(n), k \(k)")
        }
    }

    /// A (m × k), B (n × k) and C (m × n) for C (+)= A·Bᵀ, uniform in [−1, 1), rows `lda`, `ldb`, `ldc` apart.
    static func transposedOperands(m: Int, n: Int, k: Int, lda: Int, ldb: Int, ldc: Int,
                                   _ generator: inout SeededGenerator) -> (a: [Float], b: [Float], c: [Float]) {
        let a = (0..<max(m * lda, 1)).map { _ in Float(generator.nextUniform() * 2 - 1) }
        let b = (0..<max(n * ldb, 1)).map { _ in Float(generator.nextUniform() * 2 - 1) }
        return (a, b, (0..<m * ldc).map { _ in Float(generator.nextUniform() * 2 - 1) })
    }

    @Test("With B transposed (BP4's δˡ·colsᵀ): Double's sums to Float's rounding, and the same bits on every call",
          arguments: ConvolutionKernelsTests.instructionSets)
    func transposedB(isa: Int32) {
        var generator = SeededGenerator(seed: 24)
        for (m, n, k) in Self.shapes + [(20, 25, 2880), (40, 500, 320)] {
            let (lda, ldb, ldc) = (k + 1, k + 3, n + 1)
            let (a, b, c) = Self.transposedOperands(m: m, n: n, k: k, lda: lda, ldb: ldb, ldc: ldc, &generator)
            var once = c, twice = c
            bp_gemm_nt(isa, Int32(m), Int32(n), Int32(k), a, lda, b, ldb, &once, ldc, 1)
            bp_gemm_nt(isa, Int32(m), Int32(n), Int32(k), a, lda, b, ldb, &twice, ldc, 1)
            #expect(once == twice)
            var worst = 0.0
            for i in 0..<m {
                for j in 0..<n {
                    var sum = Double(c[i * ldc + j]), size = abs(sum)
                    for p in 0..<k {
                        sum += Double(a[i * lda + p]) * Double(b[j * ldb + p])
                        size += abs(Double(a[i * lda + p]) * Double(b[j * ldb + p]))
                    }
                    worst = max(worst, abs(Double(once[i * ldc + j]) - sum) / max(size, 1))
                }
                #expect(once[(i * ldc + n)..<(i * ldc + ldc)] == c[(i * ldc + n)..<(i * ldc + ldc)])
            }
            #expect(worst < 1e-6, "m \(m), n \(n), k \(k): \(worst)")
        }
    }

    @Test("A·Bᵀ through transposes (BP4 at a short k): each element the plain loop's sum in the order of k, then added to C",
          arguments: ConvolutionKernelsTests.instructionSets, [false, true])
    func transposedBThroughTransposes(isa: Int32, accumulate: Bool) {
        var generator = SeededGenerator(seed: 25)
        for (m, n, k) in Self.shapes + [(40, 500, 320), (20, 25, 17)] {
            let (lda, ldb, ldc) = (k + 1, k + 3, n + 1)
            let (a, b, c) = Self.transposedOperands(m: m, n: n, k: k, lda: lda, ldb: ldb, ldc: ldc, &generator)
            var result = c, scratch = [Float](repeating: .nan, count: bp_gemm_nt_scratch(Int32(m), Int32(n), Int32(k)))
            bp_gemm_nt_by_transposes(isa, Int32(m), Int32(n), Int32(k), a, lda, b, ldb, &result, ldc, accumulate ? 1 : 0, &scratch)
            // B·Aᵀ by the plain loop: row j of B times row i of A.
            let bt = (0..<max(k * n, 1)).map { k == 0 ? 0 : b[($0 % n) * ldb + $0 / n] }
            let sums = Self.loop(isa: isa, m: m, n: n, k: k, a: a, lda: lda, b: bt, ldb: n, c: [Float](repeating: 0, count: m * n), ldc: n,
                                 accumulate: false)
            for i in 0..<m {
                for j in 0..<n {
                    let expected = accumulate ? c[i * ldc + j] + sums[i * n + j] : sums[i * n + j]
                    #expect(result[i * ldc + j] == expected, "m \(m), n \(n), k \(k), (\(i), \(j))")
                }
                #expect(result[(i * ldc + n)..<(i * ldc + ldc)] == c[(i * ldc + n)..<(i * ldc + ldc)])
            }
        }
    }

    @Test("Agrees with BLAS to Float's rounding")
    func closeToBLAS() {
        var generator = SeededGenerator(seed: 22)
        let (m, n, k) = (40, 320, 500)
        let a = (0..<m * k).map { _ in Float(generator.nextUniform() - 0.5) }, b = (0..<k * n).map { _ in Float(generator.nextUniform() - 0.5) }
        var ours = [Float](repeating: 0, count: m * n), blas = ours
        bp_gemm(bp_best_isa(), Int32(m), Int32(n), Int32(k), a, k, b, n, &ours, n, 0)
        Float.gemm(transposeA: false, transposeB: false, m: m, n: n, k: k, alpha: 1, a: a, lda: k, b: b, ldb: n, beta: 0, c: &blas, ldc: n)
        #expect(zip(ours, blas).allSatisfy { abs($0 - $1) <= 1e-5 * max(1, abs($1)) })
    }
}
