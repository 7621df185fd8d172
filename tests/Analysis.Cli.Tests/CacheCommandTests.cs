using System.Diagnostics;

namespace Analysis.Cli.Tests;

/// <summary>
/// `analysis cache` and `analysis cache clear`, in child processes with their own cache ($ANALYSIS_CACHE), so the
/// other tests' hooked graphs are untouched: an extraction fills the cache, clear empties the hooked graphs, and the
/// next extraction rebuilds them and writes the same parts.
/// </summary>
public class CacheCommandTests
{
    [Fact]
    public void ClearRemovesTheHookedGraphsAndTheNextExtractionRebuildsThem()
    {
        var temp = Directory.CreateTempSubdirectory("analysis-cache-").FullName;
        try
        {
            var cache = Path.Combine(temp, "cache");
            var data = Path.Combine(temp, "data.jsonl");
            File.WriteAllLines(data, File.ReadLines(Path.Combine(Cli.Root, "tools", "demo", "stories.jsonl")).Take(60));

            var (code, output) = Analysis(cache, "cache");
            Assert.Equal(0, code);
            Assert.Contains("(empty)", output);

            (code, output) = Analysis(cache, ExtractCommandTests.Args(data, Path.Combine(temp, "first")));
            Assert.True(code == 0, output);
            (code, output) = Analysis(cache, "cache", "info");
            Assert.Equal(0, code);
            var hooked = Assert.Single(output.Split('\n'), l => l.TrimStart().StartsWith("hooked ", StringComparison.Ordinal));
            Assert.Contains("rebuilt on demand", hooked);
            long bytes = Directory.GetFiles(Path.Combine(cache, "hooked"), "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
            Assert.True(bytes > 0);

            (code, output) = Analysis(cache, "cache", "clear");
            Assert.Equal(0, code);
            Assert.Contains(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{bytes / 1e6:N1} MB"), output);
            Assert.False(Directory.Exists(Path.Combine(cache, "hooked")));

            (code, output) = Analysis(cache, ExtractCommandTests.Args(data, Path.Combine(temp, "second")));
            Assert.True(code == 0, output);
            Assert.True(Directory.Exists(Path.Combine(cache, "hooked")));
            Assert.Equal(ExtractCommandTests.Hashes(Path.Combine(temp, "first")), ExtractCommandTests.Hashes(Path.Combine(temp, "second")));
        }
        finally { Directory.Delete(temp, recursive: true); }
    }

    /// <summary>Runs `analysis ARGS` in a child process whose cache is <paramref name="cache"/>; the exit code and stdout + stderr.</summary>
    private static (int Code, string Output) Analysis(string cache, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "analysis.dll"));
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment["ANALYSIS_CACHE"] = cache;
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output + error.Result);
    }
}
