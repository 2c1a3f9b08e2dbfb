#if canImport(Accelerate)
import Accelerate
#else
import CBLAS
#endif

/// Facts about the BLAS library the matrix products run on.
public enum BLASBackend {
    /// The kernel family in use, e.g. "Haswell" or "Cooperlake" for OpenBLAS, which picks it at
    /// load time from the CPU (or from `OPENBLAS_CORETYPE`).
    public static var coreName: String {
        #if canImport(Accelerate)
        return "Accelerate"
        #else
        guard let name = openblas_get_corename() else { return "unknown" }
        return "OpenBLAS " + String(cString: name)
        #endif
    }

    /// The number of threads BLAS may use for one large product.
    public static var threadCount: Int {
        get {
            #if canImport(Accelerate)
            return 0
            #else
            return Int(openblas_get_num_threads())
            #endif
        }
        set {
            #if !canImport(Accelerate)
            openblas_set_num_threads(Int32(newValue))
            #endif
        }
    }
}
