using System.Diagnostics;
using System.Security.Cryptography;

namespace Analysis.Cli.Tests;

/// <summary>
/// The extractions run as child processes (kill, disk full) run alone, not beside CPU-heavy tests: timing matters to the
/// kill test (it must land mid-run).
/// </summary>
[CollectionDefinition(nameof(ExtractCommandTests), DisableParallelization = true)]
public sealed class SerialCollection;

[Collection(nameof(ExtractCommandTests))]
public class ExtractCommandTests
{
    private static readonly string Root = Cli.Root;

    private static readonly string Model = Path.Combine(Root, "onnx-models", "stories260k", "model.onnx");

    /// <summary>The extract arguments these tests use: 25 examples per part, four per batch, one thread.</summary>
    internal static string[] Args(string data, string output) =>
        ["extract", "--model", Model, "--data", data, "--hooks", "hook_embed", "blocks.*.hook_resid_post", "--device", "cpu",
         "--examples-per-part", "25", "--batch-size", "4", "--max-length", "64", "--threads", "1", "--out", output];

    private static Task<(int Code, string Out, string Err)> Run(params string[] args) => Cli.Run(args);

    /// <summary>SHA-256 of each part file in <paramref name="dir"/>, by file name.</summary>
    internal static Dictionary<string, string> Hashes(string dir) => Directory.GetFiles(dir, "part-*.parquet")
        .ToDictionary(f => Path.GetFileName(f), f => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(f))));

    /// <summary>A run killed with SIGKILL mid-way, then rerun, gives exactly the dataset of an uninterrupted run.</summary>
    [Fact]
    public async Task KilledRunResumesToTheSameDataset()
    {
        var temp = Directory.CreateTempSubdirectory("analysis-kill-").FullName;
        try
        {
            var data = Path.Combine(temp, "data.jsonl");
            File.WriteAllLines(data, File.ReadLines(Path.Combine(Root, "tools", "demo", "stories.jsonl")).Take(3000));
            var killed = Path.Combine(temp, "killed");
            var cli = Path.Combine(AppContext.BaseDirectory, "analysis.dll");
            var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true };
            start.ArgumentList.Add(cli);
            foreach (var a in Args(data, killed)) start.ArgumentList.Add(a);
            using (var process = Process.Start(start)!)
            {
                var progress = Path.Combine(killed, "_progress", "shard-0-of-1.json");
                var clock = Stopwatch.StartNew();
                // A plain sleeping loop, not await Task.Delay: under load, thread-pool continuations can lag by seconds.
                while (!File.Exists(progress) && !process.HasExited && clock.Elapsed < TimeSpan.FromMinutes(2)) Thread.Sleep(5);
                if (process.HasExited)
                    Assert.Fail($"the extraction ended (exit {process.ExitCode}) before it could be killed: {await process.StandardError.ReadToEndAsync()}");
                process.Kill(); // SIGKILL on Linux: no cleanup runs
                await process.WaitForExitAsync();
            }
            Assert.False(File.Exists(Path.Combine(killed, "_manifest.json")), "the killed run wrote a manifest");
            var before = Hashes(killed);
            Assert.True(before.Count is >= 1 and < 120, $"{before.Count} parts were complete when the process was killed");

            var (code, output, error) = await Run(Args(data, killed));
            Assert.True(code == 0, output + error);
            Assert.Contains("already complete", output);

            var clean = Path.Combine(temp, "clean");
            (code, output, error) = await Run(Args(data, clean));
            Assert.True(code == 0, output + error);
            Assert.Equal(Hashes(clean), Hashes(killed));
            Assert.Equal(120, Hashes(clean).Count);
            Assert.Empty(Directory.GetFiles(killed, ".*", SearchOption.AllDirectories)); // no temporary leftovers

            (code, output, _) = await Run("dataset", "info", killed);
            Assert.Equal(0, code);
            Assert.Contains("120/120 complete", output);
            Assert.EndsWith("valid" + Environment.NewLine, output);
        }
        finally
        {
            Directory.Delete(temp, recursive: true);
        }
    }

    /// <summary>
    /// SIGTERM (as Ctrl-C, a job scheduler or `timeout` sends it) stops the run within seconds, non-zero, with one sentence
    /// saying the same command resumes; the rerun completes to exactly the dataset of an uninterrupted run.
    /// </summary>
    [Fact]
    public async Task TerminatedRunStopsQuicklyAndResumesToTheSameDataset()
    {
        var temp = Directory.CreateTempSubdirectory("analysis-term-").FullName;
        try
        {
            var data = Path.Combine(temp, "data.jsonl");
            File.WriteAllLines(data, File.ReadLines(Path.Combine(Root, "tools", "demo", "stories.jsonl")).Take(3000));
            var stopped = Path.Combine(temp, "stopped");
            var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true };
            start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "analysis.dll"));
            foreach (var a in Args(data, stopped)) start.ArgumentList.Add(a);
            TimeSpan toExit;
            string error;
            using (var process = Process.Start(start)!)
            {
                var stderr = process.StandardError.ReadToEndAsync();
                var progress = Path.Combine(stopped, "_progress", "shard-0-of-1.json");
                var clock = Stopwatch.StartNew();
                while (!File.Exists(progress) && !process.HasExited && clock.Elapsed < TimeSpan.FromMinutes(2)) Thread.Sleep(5);
                if (process.HasExited)
                    Assert.Fail($"the extraction ended (exit {process.ExitCode}) before it could be stopped: {await stderr}");
                using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])) kill.WaitForExit();
                clock.Restart();
                Assert.True(process.WaitForExit(TimeSpan.FromSeconds(10)), "the extraction did not stop within 10 s of SIGTERM");
                toExit = clock.Elapsed;
                error = await stderr;
                Assert.True(process.ExitCode == 1, $"exit {process.ExitCode}: {error}");
            }
            Assert.Contains("Stopped by SIGTERM", error);
            Assert.Contains("run the same command again to resume", error);
            Assert.DoesNotContain("   at ", error);
            Assert.False(File.Exists(Path.Combine(stopped, "_manifest.json")), "the stopped run wrote a manifest");
            var before = Hashes(stopped);
            Assert.True(before.Count is >= 1 and < 120, $"{before.Count} parts were complete when the process was stopped");
            Assert.Empty(Directory.GetFiles(stopped, ".*", SearchOption.AllDirectories)); // the part in progress was discarded
            Console.WriteLine($"SIGTERM to exit: {toExit.TotalMilliseconds:F0} ms, {before.Count} parts kept");

            var (code, output, err) = await Run(Args(data, stopped));
            Assert.True(code == 0, output + err);
            Assert.Contains("already complete", output);
            var clean = Path.Combine(temp, "clean");
            (code, output, err) = await Run(Args(data, clean));
            Assert.True(code == 0, output + err);
            Assert.Equal(Hashes(clean), Hashes(stopped));
            (code, output, _) = await Run("dataset", "info", stopped);
            Assert.Equal(0, code);
            Assert.Contains("120/120 complete", output);
        }
        finally
        {
            Directory.Delete(temp, recursive: true);
        }
    }

    [Fact]
    public async Task BadInputExitsTwoWithOneSentence()
    {
        var temp = Directory.CreateTempSubdirectory("analysis-bad-").FullName;
        try
        {
            var data = Path.Combine(temp, "data.jsonl");
            File.WriteAllText(data, "{\"text\": \"Lily saw a cat.\"}\n");
            var output = Path.Combine(temp, "out");
            var cases = new (string[] Args, string Expected)[]
            {
                ([.. Args(data, output).Where(a => a != "hook_embed").Select(a => a == "blocks.*.hook_resid_post" ? "blocks.*.hook_nope" : a)], "matches no hook"),
                ([.. Args(Path.Combine(temp, "missing.jsonl"), output)], "does not exist"),
                ([.. Args(data, output), "--positions", "middle"], "--positions 'middle'"),
                ([.. Args(data, output), "--shard", "2/2"], "i/N"),
                ([.. Args(data, output), "--dtype", "int8"], "--dtype 'int8'"),
            };
            foreach (var (args, expected) in cases)
            {
                var (code, _, error) = await Run(args);
                Assert.True(code == 2, $"{string.Join(' ', args)} → {code}: {error}");
                Assert.Contains(expected, error);
                Assert.DoesNotContain("   at ", error); // no stack trace without --verbose
                Assert.False(Directory.Exists(output));
            }
        }
        finally
        {
            Directory.Delete(temp, recursive: true);
        }
    }
}
