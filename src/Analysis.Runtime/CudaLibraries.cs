using System.Runtime.InteropServices;

namespace Analysis.Runtime;

/// <summary>A shared library ORT's CUDA provider loads, whether it was found, and what installs it.</summary>
public sealed record CudaLibrary(string FileName, bool Required, bool Found, string InstalledBy);

/// <summary>The host libraries ORT 1.31's CUDA provider needs (CUDA 13, cuDNN 9, the NVIDIA driver), looked up as it will.</summary>
public sealed record CudaLibraries(IReadOnlyList<CudaLibrary> Libraries)
{
    private static readonly (string File, bool Required, string InstalledBy)[] Needed =
    [
        ("libcuda.so.1", true, "the NVIDIA driver"),
        ("libcudart.so.13", true, "the CUDA 13 runtime (cuda-cudart-13-x, or pip nvidia-cuda-runtime-cu13)"),
        ("libcublas.so.13", true, "cuBLAS for CUDA 13 (libcublas-13-x, or pip nvidia-cublas-cu13)"),
        ("libcublasLt.so.13", true, "cuBLAS for CUDA 13 (libcublas-13-x, or pip nvidia-cublas-cu13)"),
        ("libcurand.so.10", true, "cuRAND for CUDA 13 (libcurand-13-x, or pip nvidia-curand-cu13)"),
        ("libcudnn.so.9", true, "cuDNN 9 for CUDA 13 (cudnn9-cuda-13, or pip nvidia-cudnn-cu13)"),
        ("libcufft.so.12", false, "cuFFT for CUDA 13 (libcufft-13-x; only FFT operators need it)"),
    ];

    private static CudaLibraries? cached;

    /// <summary>The first required library that is missing, or null when all are found.</summary>
    public CudaLibrary? FirstMissing => Libraries.FirstOrDefault(l => l.Required && !l.Found);

    /// <summary>Looks each library up through the dynamic loader's search (LD_LIBRARY_PATH, ld.so.cache), once per process.</summary>
    public static CudaLibraries Check() => cached ??= new(Needed.Select(n => new CudaLibrary(n.File, n.Required, CanLoad(n.File), n.InstalledBy)).ToArray());

    /// <summary>One sentence for a CUDA request that cannot work because <paramref name="missing"/> is not installed.</summary>
    public static string Explain(Device device, CudaLibrary missing) =>
        $"Device {device} needs {missing.FileName}, which was not found; install {missing.InstalledBy} (CUDA 13 and cuDNN 9 on a machine with an NVIDIA GPU, see docs/runtime.md), or use --device cpu or auto.";

    private static bool CanLoad(string file)
    {
        if (!NativeLibrary.TryLoad(file, out var handle)) return false;
        NativeLibrary.Free(handle);
        return true;
    }
}
