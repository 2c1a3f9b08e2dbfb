#if canImport(Glibc)
import Glibc
#endif

extension Array where Element == UInt8 {
    /// Gives the whole memory pages of the spare capacity (past `count`, never read before being
    /// written) back to the system, so that a large array cut short stops occupying them: MNIST's
    /// 60,000 training images, cut to the book's 50,000, would otherwise keep 7.8 MB. Where the
    /// pages are written again, they come back as fresh zeroed ones. Linux only; elsewhere nothing.
    mutating func releaseSpareCapacity() {
        #if os(Linux)
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let capacity = self.capacity
        withUnsafeMutableBytes { bytes in  // unique storage, so the pages are this array's alone
            guard let base = bytes.baseAddress, page > 0 else { return }
            let address = Int(bitPattern: base)
            let start = (address + bytes.count + page - 1) / page * page
            let end = (address + capacity) / page * page
            if end > start { _ = madvise(UnsafeMutableRawPointer(bitPattern: start), end - start, MADV_DONTNEED) }
        }
        #endif
    }
}
