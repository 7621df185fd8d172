using System.Runtime.InteropServices;

namespace Analysis.Runtime.Native;

/// <summary>Finds, loads and binds ONNX Runtime's native library (once per process).</summary>
internal static unsafe class OrtLibrary
{
    /// <summary>The file name of the library the build copies next to Analysis.Runtime.dll.</summary>
    public const string BundledFileName = "libonnxruntime.so.1";

    /// <summary>
    /// The library to load, in the order DESIGN.md gives: an explicit path, then <c>ANALYSIS_ORT_LIB</c>,
    /// then the copy next to this assembly. A folder means the library inside it.
    /// </summary>
    public static string Resolve(string? explicitPath)
    {
        var chosen = explicitPath;
        var source = "the explicit library path";
        if (string.IsNullOrEmpty(chosen))
        {
            chosen = Environment.GetEnvironmentVariable(OrtEnvironment.LibraryVariable);
            source = $"the environment variable {OrtEnvironment.LibraryVariable}";
        }
        if (string.IsNullOrEmpty(chosen))
        {
            var here = Path.GetDirectoryName(typeof(OrtLibrary).Assembly.Location);
            chosen = Path.Combine(string.IsNullOrEmpty(here) ? AppContext.BaseDirectory : here, BundledFileName);
            if (!File.Exists(chosen))
                throw new FileNotFoundException(
                    $"ONNX Runtime's library {BundledFileName} is missing next to Analysis.Runtime.dll ({chosen}); rebuild so the build copies it there, or set {OrtEnvironment.LibraryVariable} to a libonnxruntime.so of version 1.30.", chosen);
            return chosen;
        }
        if (Directory.Exists(chosen))
        {
            var inFolder = Directory.EnumerateFiles(chosen, "libonnxruntime.so*").Order().FirstOrDefault();
            chosen = inFolder ?? Path.Combine(chosen, "libonnxruntime.so");
        }
        if (!File.Exists(chosen))
            throw new FileNotFoundException(
                $"The ONNX Runtime library '{chosen}' named by {source} does not exist; point it at libonnxruntime.so of ONNX Runtime 1.30 (or unset it to use the bundled CPU build).", chosen);
        return Path.GetFullPath(chosen);
    }

    /// <summary>Loads the library at <paramref name="path"/>, binds the function table, and returns ORT's version string.</summary>
    public static string Load(string path)
    {
        nint library;
        try { library = NativeLibrary.Load(path); }
        catch (Exception e) when (e is DllNotFoundException or BadImageFormatException)
        {
            throw new InvalidDataException(
                $"Could not load the ONNX Runtime library '{path}' ({e.Message}); check that it is a Linux x64 libonnxruntime.so of version 1.30 and that its dependencies are installed.", e);
        }
        if (!NativeLibrary.TryGetExport(library, "OrtGetApiBase", out var getApiBaseExport))
            throw new InvalidDataException($"'{path}' does not export OrtGetApiBase, so it is not ONNX Runtime; point {OrtEnvironment.LibraryVariable} at libonnxruntime.so.");

        var apiBase = ((delegate* unmanaged[Cdecl]<void**>)getApiBaseExport)();
        var getApi = (delegate* unmanaged[Cdecl]<uint, void**>)apiBase[0];
        var getVersionString = (delegate* unmanaged[Cdecl]<byte*>)apiBase[1];
        var version = Marshal.PtrToStringUTF8((nint)getVersionString()) ?? "unknown";
        var table = getApi(OrtApi.Version);
        if (table == null)
            throw new InvalidDataException(
                $"The ONNX Runtime library '{path}' is version {version}, which lacks C API version {OrtApi.Version}; use ONNX Runtime 1.30 or newer.");
        OrtApi.Bind(table);
        return version;
    }
}
