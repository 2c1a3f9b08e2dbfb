import ArgumentParser
import Backprop

/// The engine on the command line: `--engine blas`.
extension Engine: ExpressibleByArgument {
    public static var allValueDescriptions: [String: String] {
        ["automatic": "the kernels with the best instruction set where they apply, else BLAS, else the reference path",
         "reference": "the per-example path that reads like the book (slow; any layer kind)",
         "blas": "the matrix path over BLAS",
         "portable": "the plain C kernels", "avx2": "the AVX2 kernels", "avx512": "the AVX-512 kernels"]
    }
}
