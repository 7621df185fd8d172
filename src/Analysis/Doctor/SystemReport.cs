using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.Json.Serialization;
using Analysis.Extraction;
using Analysis.Runtime;

namespace Analysis.Doctor;

/// <summary>
/// What this machine offers the toolkit: ONNX Runtime's version and providers, what CUDA needs and finds, the cache, and
/// the tokenizer, Parquet and codec libraries in use (<c>analysis doctor</c>).
/// </summary>
public sealed record SystemReport(
    [property: JsonPropertyName("onnxruntime_version")] string OnnxRuntimeVersion,
    [property: JsonPropertyName("onnxruntime_library")] string OnnxRuntimeLibrary,
    [property: JsonPropertyName("providers")] IReadOnlyList<string> Providers,
    [property: JsonPropertyName("cuda")] CudaReport Cuda,
    [property: JsonPropertyName("cache")] CacheReport Cache,
    [property: JsonPropertyName("libraries")] IReadOnlyList<LibraryReport> Libraries)
{
    /// <summary>Looks everything up; loads ONNX Runtime if it is not loaded yet.</summary>
    public static SystemReport Collect()
    {
        var ort = OrtEnvironment.Shared;
        var cudaLibraries = CudaLibraries.Check();
        var gpus = GpuDevices.Visible();
        var cuda = new CudaReport(
            ort.AvailableProviders.Contains(OrtEnvironment.CudaProvider),
            File.Exists(ort.CudaProviderPath) ? ort.CudaProviderPath : null,
            cudaLibraries.Libraries.Select(l => new CudaLibraryReport(l.FileName, l.Required, l.Found, l.InstalledBy)).ToList(),
            gpus,
            Environment.GetEnvironmentVariable("CUDA_VISIBLE_DEVICES"),
            CudaVerdict(ort, cudaLibraries, gpus));
        var entries = AnalysisCache.Describe();
        var cache = new CacheReport(AnalysisCache.Root, entries.Sum(e => e.Bytes), entries.Sum(e => e.Files));
        return new SystemReport(ort.Version, ort.LibraryPath, ort.AvailableProviders, cuda, cache, InUse());
    }

    private static string CudaVerdict(OrtEnvironment ort, CudaLibraries libraries, IReadOnlyList<string> gpus)
    {
        if (!ort.HasCuda)
            return $"unavailable: the loaded ONNX Runtime has no CUDA provider ({OrtEnvironment.CudaProviderLibrary} is missing beside {ort.LibraryPath}).";
        if (libraries.FirstMissing is { } missing)
            return $"unavailable: {missing.FileName} was not found; install {missing.InstalledBy}.";
        if (gpus.Count == 0)
            return "unavailable: the CUDA libraries are installed but no NVIDIA GPU is visible (/proc/driver/nvidia/gpus is empty).";
        return $"ready: --device cuda runs on {gpus[0]}{(gpus.Count > 1 ? $" (and {gpus.Count - 1} more; cuda:N picks one)" : "")}.";
    }

    private static List<LibraryReport> InUse()
    {
        static string Version(Type t) => t.Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
            ?? t.Assembly.GetName().Version?.ToString() ?? "?";
        return
        [
            new("tokenizer", $"Analysis.Tokenizers {Version(typeof(Analysis.Tokenizers.Tokenizer))}", "managed: tokenizer.json (BPE, WordPiece, Unigram) and llama2.c tokenizer.bin", true),
            new("parquet", $"Analysis.Parquet {Version(typeof(Analysis.Parquet.ParquetWriter))}", "managed reader and writer", true),
            new("snappy", $"IronSnappy {Version(typeof(IronSnappy.Snappy))}", "managed", true),
            new("gzip", "System.IO.Compression", "the .NET runtime's zlib", true),
            Native("zstd", "libzstd.so.1", "Debian's libzstd1"),
            Native("lz4", "liblz4.so.1", "Debian's liblz4-1"),
        ];
    }

    private static LibraryReport Native(string codec, string file, string package)
    {
        var found = NativeLibrary.TryLoad(file, out var handle);
        if (found) NativeLibrary.Free(handle);
        return new LibraryReport(codec, file, found ? "found" : $"missing: install {package} (only {codec}-compressed Parquet needs it)", found);
    }
}

/// <summary>What ORT's CUDA provider needs on this machine and what was found.</summary>
public sealed record CudaReport(
    [property: JsonPropertyName("provider_built_in")] bool ProviderBuiltIn,
    [property: JsonPropertyName("provider_library")] string? ProviderLibrary,
    [property: JsonPropertyName("libraries")] IReadOnlyList<CudaLibraryReport> Libraries,
    [property: JsonPropertyName("gpus")] IReadOnlyList<string> Gpus,
    [property: JsonPropertyName("cuda_visible_devices")] string? CudaVisibleDevices,
    [property: JsonPropertyName("verdict")] string Verdict);

/// <summary>One library the CUDA provider loads.</summary>
public sealed record CudaLibraryReport(
    [property: JsonPropertyName("file")] string File,
    [property: JsonPropertyName("required")] bool Required,
    [property: JsonPropertyName("found")] bool Found,
    [property: JsonPropertyName("installed_by")] string InstalledBy);

/// <summary>The toolkit's cache folder and how much it holds.</summary>
public sealed record CacheReport(
    [property: JsonPropertyName("folder")] string Folder,
    [property: JsonPropertyName("bytes")] long Bytes,
    [property: JsonPropertyName("files")] long Files);

/// <summary>A library the toolkit uses for a job (tokenizing, Parquet, a codec).</summary>
public sealed record LibraryReport(
    [property: JsonPropertyName("role")] string Role,
    [property: JsonPropertyName("library")] string Library,
    [property: JsonPropertyName("detail")] string Detail,
    [property: JsonPropertyName("available")] bool Available);
