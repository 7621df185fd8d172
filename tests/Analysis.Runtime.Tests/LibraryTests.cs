using Analysis.Runtime.Native;

namespace Analysis.Runtime.Tests;

/// <summary>Which libonnxruntime is loaded: explicit path, then ANALYSIS_ORT_LIB, then the bundled copy.</summary>
public class LibraryTests
{
    private static readonly string Bundled = Path.Combine(AppContext.BaseDirectory, OrtLibrary.BundledFileName);

    [Fact]
    public void The_build_copied_the_library_next_to_the_test_binaries() => Assert.True(File.Exists(Bundled), Bundled);

    [Fact]
    public void Bundled_copy_is_the_default() => Assert.Equal(Bundled, OrtLibrary.Resolve(null, null));

    [Fact]
    public void Environment_variable_beats_the_bundled_copy_and_explicit_beats_both()
    {
        var folder = Directory.CreateTempSubdirectory("ort-lib-").FullName;
        try
        {
            var fromEnv = Path.Combine(folder, "libonnxruntime.so.1.30.0");
            File.Copy(Bundled, fromEnv);
            Assert.Equal(fromEnv, OrtLibrary.Resolve(null, fromEnv));
            Assert.Equal(fromEnv, OrtLibrary.Resolve(null, folder)); // a folder means the library inside it
            Assert.Equal(Bundled, OrtLibrary.Resolve(Bundled, fromEnv));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void A_missing_override_names_the_variable()
    {
        var e = Assert.Throws<FileNotFoundException>(() => OrtLibrary.Resolve(null, "/nowhere/libonnxruntime.so"));
        Assert.Contains(OrtEnvironment.LibraryVariable, e.Message);
    }

    [Fact]
    public void A_file_that_is_not_a_library_is_InvalidData()
    {
        var path = Path.Combine(Path.GetTempPath(), $"not-a-library-{Guid.NewGuid():N}.so");
        File.WriteAllText(path, "not ELF");
        try
        {
            Assert.Throws<InvalidDataException>(() => OrtLibrary.Load(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_library_that_is_not_ONNX_Runtime_is_InvalidData()
    {
        var libc = new[] { "/lib/x86_64-linux-gnu/libc.so.6", "/usr/lib/x86_64-linux-gnu/libc.so.6" }.First(File.Exists);
        var e = Assert.Throws<InvalidDataException>(() => OrtLibrary.Load(libc));
        Assert.Contains("OrtGetApiBase", e.Message);
    }
}
