using Analysis.Extraction;

namespace Analysis.Tests.Extraction;

/// <summary>The cache lists its folders with their sizes, and clearing removes only what extractions rebuild.</summary>
public class AnalysisCacheTests
{
    [Fact]
    public void DescribeListsEachFolderAndClearRemovesOnlyTheHookedGraphs()
    {
        using var dir = new TempDirectory();
        var root = dir.Path;
        Write(root, "hooked/0123abcd/model.onnx", 3000);
        Write(root, "hooked/0123abcd/positions-99.onnx", 500);
        Write(root, "hooked/resolved/ffee.json", 20);
        Write(root, "models/gpt2-small-random/model.onnx", 700);
        Write(root, "onnxruntime-1.30.0/libonnxruntime.so.1", 40);

        var entries = AnalysisCache.Describe(root);
        Assert.Equal(["hooked", "models", "onnxruntime-1.30.0"], entries.Select(e => e.Name));
        Assert.Equal([3520L, 700, 40], entries.Select(e => e.Bytes));
        Assert.Equal([3, 1, 1], entries.Select(e => e.Files));
        Assert.Equal([true, false, false], entries.Select(e => e.Rebuilt));

        Assert.Equal(3520, AnalysisCache.Clear(root));
        Assert.False(Directory.Exists(Path.Combine(root, "hooked")));
        Assert.Equal(["models", "onnxruntime-1.30.0"], AnalysisCache.Describe(root).Select(e => e.Name));
        Assert.Equal(0, AnalysisCache.Clear(root)); // nothing left to clear is not an error
        Assert.Empty(AnalysisCache.Describe(Path.Combine(root, "absent")));
    }

    /// <summary>Tests never touch the user's cache: the test assembly points $ANALYSIS_CACHE under its output folder.</summary>
    [Fact]
    public void TestsUseTheirOwnCacheUnderTheTestOutput()
    {
        Assert.Equal(Shared.TestCache.Folder, AnalysisCache.Root);
        Assert.StartsWith(AppContext.BaseDirectory, AnalysisCache.Root);
        var home = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "analysis");
        Assert.NotEqual(Path.GetFullPath(home), Path.GetFullPath(AnalysisCache.Root));
    }

    private static void Write(string root, string relative, int bytes)
    {
        var path = Path.Combine(root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, new byte[bytes]);
    }
}
