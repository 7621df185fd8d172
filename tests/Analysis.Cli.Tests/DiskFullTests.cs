using System.Diagnostics;
using System.Text.Json;

namespace Analysis.Cli.Tests;

/// <summary>
/// `analysis extract` on a disk that fills up part-way. The CLI runs as a child process in its own user and mount
/// namespace (`unshare -rm`) with --out on a tmpfs sized so that the space runs out at a chosen write; the script keeps a
/// copy of what the failed run left, remounts the tmpfs larger and reruns the same command, as a user who freed space would.
/// tmpfs counts whole pages of file data and nothing for directories, so the sizes below, taken from an uninterrupted run
/// (parts are byte-identical on every run), hit each write exactly.
/// </summary>
[Collection(nameof(ExtractCommandTests))]
public class DiskFullTests(DiskFullTests.CleanRun clean) : IClassFixture<DiskFullTests.CleanRun>
{
    /// <summary>Which write finds the disk full.</summary>
    public enum RunsOutIn { PartFile, ProgressRecord, Manifest }

    private const int Parts = 8; // 200 examples, 25 per part

    /// <summary>An uninterrupted extraction in an ordinary directory: the reference bytes and the sizes to aim at.</summary>
    public sealed class CleanRun : IDisposable
    {
        public string Temp { get; } = Directory.CreateTempSubdirectory("analysis-diskfull-").FullName;
        public string Data => Path.Combine(Temp, "data.jsonl");
        public string Dataset => Path.Combine(Temp, "clean");
        public Dictionary<string, string> Hashes { get; }
        /// <summary>Why this machine cannot make a full disk for a test, or null when it can.</summary>
        public string? NamespaceProblem { get; }

        public CleanRun()
        {
            NamespaceProblem = ProbeNamespace(Temp);
            File.WriteAllLines(Data, File.ReadLines(Path.Combine(Cli.Root, "tools", "demo", "stories.jsonl")).Take(Parts * 25));
            var (code, output, error) = Task.Run(() => Cli.Run(ExtractCommandTests.Args(Data, Dataset))).GetAwaiter().GetResult();
            Assert.True(code == 0, output + error);
            Hashes = ExtractCommandTests.Hashes(Dataset);
        }

        public void Dispose() => Directory.Delete(Temp, recursive: true);

        /// <summary>Mounts a small tmpfs in a new user and mount namespace, as every disk-full run does.</summary>
        private static string? ProbeNamespace(string temp)
        {
            var mount = Directory.CreateDirectory(Path.Combine(temp, "probe")).FullName;
            var (code, error) = Run(Unshare("mount -t tmpfs -o size=64k tmpfs \"$1\"", [mount]), TimeSpan.FromMinutes(1));
            return code == 0 ? null
                : $"The disk-full tests need `unshare -rm` (user and mount namespaces) and a tmpfs mount inside it, and this machine refused (exit {code}): {error.Trim()}";
        }
    }

    [Theory]
    [InlineData(RunsOutIn.PartFile)]
    [InlineData(RunsOutIn.ProgressRecord)]
    [InlineData(RunsOutIn.Manifest)]
    public async Task FullDiskLeavesOnlyValidPartsAndTheRerunFinishesTheSameDataset(RunsOutIn where)
    {
        if (clean.NamespaceProblem is { } why) Assert.Fail(why); // fail, never skip: the property would go unchecked
        var (pages, kept, failingFile) = Plan(where);
        var run = Path.Combine(clean.Temp, where.ToString());
        var mount = Path.Combine(run, "mnt");
        var logs = Path.Combine(run, "logs");
        Directory.CreateDirectory(mount);
        Directory.CreateDirectory(logs);
        var dataset = Path.Combine(mount, "ds");
        RunInNamespace(pages * Environment.SystemPageSize / 1024, mount, logs, ExtractCommandTests.Args(clean.Data, dataset));

        // The failed run: exit 1 and one sentence saying what, where, and what to do.
        Assert.Equal("1", File.ReadAllText(Path.Combine(logs, "first.rc")).Trim());
        var error = File.ReadAllText(Path.Combine(logs, "first.err"));
        var lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.StartsWith("extract:")).ToList();
        Assert.True(lines.Count == 1, error);
        var message = lines[0];
        Assert.StartsWith($"analysis: No space left on device writing {failingFile} in '{dataset}'", message);
        Assert.Contains("complete and kept", message);
        Assert.EndsWith("free space there and rerun the same command to resume.", message);
        Assert.DoesNotContain(". ", message); // one sentence
        Assert.DoesNotContain("   at ", error);
        Assert.DoesNotContain("--verbose", error);

        // What it left: no temporary files, no manifest, and exactly the recorded parts, each the uninterrupted run's bytes.
        var left = Path.Combine(logs, "after-failure");
        Assert.Empty(Directory.GetFiles(left, ".*", SearchOption.AllDirectories));
        Assert.False(File.Exists(Path.Combine(left, "_manifest.json")), "a failed run wrote a manifest");
        var present = ExtractCommandTests.Hashes(left);
        Assert.Equal(present.Keys.Order(), RecordedParts(left).Order());
        Assert.Equal(kept, present.Count);
        foreach (var (file, sha) in present) Assert.Equal(clean.Hashes[file], sha);
        var (code, output, _) = await Cli.Run("dataset", "info", left);
        Assert.True(code == 0, output);
        Assert.Contains($"{kept}/{Parts} complete", output);
        Assert.EndsWith("valid" + Environment.NewLine, output);

        // After space is freed, the same command resumes and finishes the dataset an uninterrupted run makes.
        Assert.True(File.ReadAllText(Path.Combine(logs, "resumed.rc")).Trim() == "0", File.ReadAllText(Path.Combine(logs, "resumed.err")));
        Assert.Contains($"{kept} already complete", File.ReadAllText(Path.Combine(logs, "resumed.out")));
        var resumed = Path.Combine(logs, "resumed");
        Assert.Equal(clean.Hashes, ExtractCommandTests.Hashes(resumed));
        Assert.Empty(Directory.GetFiles(resumed, ".*", SearchOption.AllDirectories));
        (code, output, _) = await Cli.Run("dataset", "info", resumed);
        Assert.True(code == 0, output);
        Assert.Contains($"{Parts}/{Parts} complete", output);
        Assert.Contains("manifest   complete", output);
        Assert.EndsWith("valid" + Environment.NewLine, output);
    }

    /// <summary>
    /// The tmpfs size in pages for <paramref name="where"/>, the parts the failed run keeps, and the file it names.
    /// Files take whole pages; a bookkeeping file is rewritten through a temporary copy, so while the progress record is
    /// rewritten the old and new copies take a page each.
    /// </summary>
    private (long Pages, int Kept, string File) Plan(RunsOutIn where)
    {
        long Pages(string file) => (new FileInfo(Path.Combine(clean.Dataset, file)).Length + Environment.SystemPageSize - 1) / Environment.SystemPageSize;
        var part = Enumerable.Range(0, Parts).Select(k => Pages($"part-{k:D5}.parquet")).ToArray();
        Assert.Equal(1, Pages("_progress/shard-0-of-1.json")); // every progress record of this run fits in a page
        Assert.True(Pages("_manifest.json") > 1, "the manifest must need more than the one page left when it is written");
        var bookkeeping = Pages("_extraction.json") + Pages("_layout.json");
        return where switch
        {
            // Parts 0 and 1 and their records fit; part 2 gets half its size.
            RunsOutIn.PartFile => (bookkeeping + 2 + part[0] + part[1] + part[2] / 2, 2, "part-00002.parquet"),
            // Part 1 fits beside part 0's record, and then the record listing both does not.
            RunsOutIn.ProgressRecord => (bookkeeping + 1 + part[0] + part[1], 1, "_progress/shard-0-of-1.json"),
            // Every part and record fits; the manifest (two pages) meets the one page the old record freed.
            _ => (bookkeeping + 2 + part.Sum(), Parts, "_manifest.json"),
        };
    }

    /// <summary>The part files listed in a dataset's progress records.</summary>
    private static IEnumerable<string> RecordedParts(string dataset) =>
        Directory.GetFiles(Path.Combine(dataset, "_progress"), "*.json")
            .SelectMany(f => JsonDocument.Parse(File.ReadAllText(f)).RootElement.EnumerateArray())
            .Select(p => p.GetProperty("file").GetString()!);

    /// <summary>
    /// In a new user and mount namespace: mounts a tmpfs of <paramref name="sizeKiB"/> on <paramref name="mount"/>, runs
    /// `analysis ARGS` (exit code and output into <paramref name="logs"/>), copies the dataset to logs/after-failure,
    /// remounts the tmpfs at 64 MiB, reruns, and copies the dataset to logs/resumed. The mount ends with the namespace.
    /// </summary>
    private static void RunInNamespace(long sizeKiB, string mount, string logs, string[] args)
    {
        const string script = """
            set -u
            mount -t tmpfs -o "size=${SIZE_KIB}k" tmpfs "$MNT" || { echo "cannot mount a tmpfs on $MNT" >&2; exit 90; }
            "$@" >"$LOGS/first.out" 2>"$LOGS/first.err"; echo $? >"$LOGS/first.rc"
            cp -a "$MNT/ds" "$LOGS/after-failure" || exit 91
            mount -o remount,size=64m "$MNT" || { echo "cannot remount the tmpfs on $MNT" >&2; exit 92; }
            "$@" >"$LOGS/resumed.out" 2>"$LOGS/resumed.err"; echo $? >"$LOGS/resumed.rc"
            cp -a "$MNT/ds" "$LOGS/resumed" || exit 93
            """;
        var start = Unshare(script, ["dotnet", Path.Combine(AppContext.BaseDirectory, "analysis.dll"), .. args]);
        start.Environment["SIZE_KIB"] = sizeKiB.ToString();
        start.Environment["MNT"] = mount;
        start.Environment["LOGS"] = logs;
        var (code, error) = Run(start, TimeSpan.FromMinutes(3));
        Assert.True(code == 0, $"the disk-full script failed (exit {code}): {error}");
    }

    private static ProcessStartInfo Unshare(string script, string[] args)
    {
        var start = new ProcessStartInfo("unshare") { RedirectStandardError = true, RedirectStandardOutput = true };
        string[] all = ["-rm", "sh", "-c", script, "sh", .. args];
        foreach (var a in all) start.ArgumentList.Add(a);
        return start;
    }

    private static (int Code, string Error) Run(ProcessStartInfo start, TimeSpan limit)
    {
        Process process;
        try { process = Process.Start(start)!; }
        catch (System.ComponentModel.Win32Exception e) { return (-1, $"cannot start '{start.FileName}': {e.Message}"); }
        using (process)
        {
            var error = process.StandardError.ReadToEndAsync();
            _ = process.StandardOutput.ReadToEndAsync();
            if (!process.WaitForExit(limit))
            {
                process.Kill(entireProcessTree: true);
                return (-1, $"still running after {limit.TotalMinutes} minutes");
            }
            return (process.ExitCode, error.GetAwaiter().GetResult());
        }
    }
}
