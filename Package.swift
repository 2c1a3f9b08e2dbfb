// swift-tools-version: 6.0
import Foundation
import PackageDescription

/// Whether to build with MPI (the `BackpropMPI` module's transport and `train --data-parallel`
/// over `mpirun`): when Open MPI's development files are installed (`pkg-config ompi-c`, from
/// Debian's libopenmpi-dev) and the environment does not say `BACKPROP_MPI=0`. Without them the
/// module builds as a job of one process, and everything else is unchanged.
let buildsWithMPI: Bool = {
    if ProcessInfo.processInfo.environment["BACKPROP_MPI"] == "0" { return false }
    let pkgConfig = Process()
    pkgConfig.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    pkgConfig.arguments = ["pkg-config", "--exists", "ompi-c"]
    pkgConfig.standardOutput = FileHandle.nullDevice
    pkgConfig.standardError = FileHandle.nullDevice
    guard (try? pkgConfig.run()) != nil else { return false }
    pkgConfig.waitUntilExit()
    return pkgConfig.terminationStatus == 0
}()

let package = Package(
    name: "Backprop",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "Backprop", targets: ["Backprop"]),
        .library(name: "Datasets", targets: ["Datasets"]),
        .library(name: "Pictures", targets: ["Pictures"]),
        .library(name: "Runs", targets: ["Runs"]),
        .library(name: "Lab", targets: ["Lab"]),
        .library(name: "BackpropMPI", targets: ["BackpropMPI"]),
        .executable(name: "backprop", targets: ["BackpropCLI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-numerics", from: "1.1.1"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        // `swift package generate-documentation` builds the DocC catalog in Sources/Backprop/Backprop.docc.
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        // The lab's web server: small, no further dependencies, WebSockets included (docs/lab.md says why).
        .package(url: "https://github.com/swhitty/FlyingFox", from: "0.27.1"),
    ],
    targets: [
        // System libraries: BLAS for the matrix products, libdeflate and zlib for gzipped data
        // files (libdeflate inflates them, zlib names what is wrong with a corrupt one), libpng
        // for the PNG images `backprop predict` reads.
        .systemLibrary(
            name: "CBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]
        ),
        .systemLibrary(name: "CZlib", providers: [.apt(["zlib1g-dev"]), .brew(["zlib"])]),
        .systemLibrary(name: "CDeflate", providers: [.apt(["libdeflate-dev"]), .brew(["libdeflate"])]),
        .systemLibrary(name: "CPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"]), .brew(["libpng"])]),

        // C kernels for the training hot path: sparse-input first layer, small dense layers,
        // compiled for AVX-512, AVX2 and plain C and chosen at run time.
        .target(name: "BackpropKernels"),

        // Library: dense math, the network, backpropagation and training.
        .target(
            name: "Backprop",
            dependencies: [
                .target(name: "CBLAS", condition: .when(platforms: [.linux])),
                "BackpropKernels",
                .product(name: "RealModule", package: "swift-numerics"),
            ]
        ),

        // Library: data sets (MNIST) read from IDX files, gzipped or raw; images (PNG, PGM) to classify.
        .target(
            name: "Datasets",
            dependencies: [
                "Backprop",
                "CDeflate",
                "CPNG",
                "CZlib",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),

        // Library: the runs store, every training run's settings and epochs in SQLite (through GRDB).
        .target(name: "Runs", dependencies: ["Backprop", .product(name: "GRDB", package: "GRDB.swift")]),

        // Library: the lab, a local web server and page for watching and poking backpropagation.
        .target(
            name: "Lab",
            dependencies: ["Backprop", "Datasets", "Runs", .product(name: "FlyingFox", package: "FlyingFox")],
            resources: [.copy("Page")]
        ),

        // Library: pictures of runs and networks, as SVG and PNG (zlib compresses the PNGs).
        .target(name: "Pictures", dependencies: ["Backprop", "CZlib"]),

        // Library: the processes of an MPI job and the messages between them (rank, size, barrier,
        // broadcast, send and receive, all-reduce and all-gather), or a job of one process when
        // built without MPI (see `buildsWithMPI` above and docs/scale-out.md).
        .target(
            name: "BackpropMPI",
            dependencies: buildsWithMPI ? ["CMPI"] : [],
            swiftSettings: buildsWithMPI ? [.define("BACKPROP_MPI")] : []
        ),

        // Library: data-parallel training, each mini-batch's gradient summed in shards across the
        // processes of an MPI job in an order that does not depend on their number.
        .target(name: "DataParallel", dependencies: ["Backprop", "BackpropMPI"]),

        // Tool: the `backprop` command line, a thin shell over the libraries.
        .executableTarget(
            name: "BackpropCLI",
            dependencies: [
                "Backprop",
                "Datasets",
                "Pictures",
                "Runs",
                "Lab",
                "BackpropMPI",
                "DataParallel",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        // Benchmark: seconds per epoch and BLAS rates; run by Benchmarks/run.sh beside its peers.
        // It needs nothing beyond the libraries, so it lives in this package.
        .executableTarget(
            name: "BackpropBenchmark",
            dependencies: ["Backprop", "Datasets"],
            path: "Benchmarks/Sources/BackpropBenchmark"
        ),

        // Fuzz harnesses for the parsers of untrusted bytes (Fuzz/run.sh builds them with libFuzzer;
        // an ordinary build makes a replayer).
        .executableTarget(
            name: "BackpropFuzz",
            dependencies: ["Backprop", "Datasets"],
            path: "Fuzz/Sources/BackpropFuzz"
        ),

        // Tests.
        .testTarget(name: "BackpropTests", dependencies: ["Backprop"], exclude: ["Fixtures"]),
        .testTarget(name: "DatasetsTests", dependencies: ["Datasets", "Backprop", "CZlib"]),
        .testTarget(name: "PicturesTests", dependencies: ["Pictures", "Backprop"], exclude: ["Snapshots"]),
        .testTarget(name: "RunsTests", dependencies: ["Runs", "Backprop"], exclude: ["Fixtures"]),
        .testTarget(name: "LabTests", dependencies: ["Lab", "Backprop", "Datasets", "Runs"]),
        .testTarget(name: "CLITests", dependencies: ["BackpropCLI", "Backprop", "Datasets", "BackpropMPI"]),
        .testTarget(name: "BackpropMPITests", dependencies: ["BackpropMPI"]),
        .testTarget(name: "DataParallelTests", dependencies: ["DataParallel", "BackpropMPI", "Backprop"]),
        // Every BackpropMPI call across the ranks of a real job, run by CLITests under mpirun.
        .executableTarget(name: "MPICheck", dependencies: ["BackpropMPI"], path: "Tests/MPICheck"),
    ]
)

// Open MPI through its pkg-config name; only declared when found, so that a build without it
// never looks for mpi.h.
if buildsWithMPI {
    package.targets.append(.systemLibrary(name: "CMPI", pkgConfig: "ompi-c", providers: [.apt(["libopenmpi-dev"])]))
}
