// Benchmark: write and read rows × 768 float32 activations plus the id columns of DESIGN.md, uncompressed and
// ZSTD, against DuckDB doing the same COPY / native scan in the same run. Ratios > 1 mean we are faster.
// Usage: dotnet run -c Release --project tools/bench/parquet -- [--rows N] [--dim D] [--threads T]
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Analysis.Parquet;

int rows = Arg("--rows", 100_000), dim = Arg("--dim", 768), threads = Arg("--threads", 1);
const int Batch = 512;
string root = FindRoot();
string dir = Directory.CreateTempSubdirectory("parquet-bench-").FullName;
Console.WriteLine($"rows {rows:N0} × dim {dim}, batch {Batch} rows, DuckDB threads {threads}, scratch {dir}");
double floatMb = (double)rows * dim * 4 / 1e6;
try
{
    var fields = new[]
    {
        ParquetField.Int64("example_id"), ParquetField.Int32("position"), ParquetField.Int32("token_id"), ParquetField.String("token"),
        ParquetField.Int32("char_start"), ParquetField.Int32("char_end"), ParquetField.FloatVector("vec", dim),
    };
    var results = new Dictionary<string, double>();
    double expectedSum = 0;
    foreach (var codec in new[] { ParquetCompression.Uncompressed, ParquetCompression.Zstd })
    {
        string path = Path.Combine(dir, $"ours-{codec}.parquet");
        GC.Collect();
        long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var sw = Stopwatch.StartNew();
        expectedSum = Write(path, fields, codec);
        double write = sw.Elapsed.TotalSeconds;
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        sw.Restart();
        double sum = ReadAll(path, out long peakBuffer);
        double read = sw.Elapsed.TotalSeconds;
        results[$"write_{codec}"] = write;
        results[$"read_{codec}"] = read;
        Console.WriteLine($"ours   {codec,-12} write {write,7:F2} s {floatMb / write,8:F0} MB/s   read vectors {read,7:F2} s {floatMb / read,8:F0} MB/s   " +
                          $"file {new FileInfo(path).Length / 1e6:F0} MB, managed allocations {allocated / 1e6:F0} MB, largest row-group matrix {peakBuffer / 1e6:F0} MB, sum {sum:G6}");
    }
    Console.WriteLine($"ours   peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / 1e6:F0} MB (float data {floatMb:F0} MB)");

    var psi = new ProcessStartInfo("node", [Path.Combine(root, "tools", "parquet-interop", "bench.mjs"), Path.Combine(dir, "ours-Uncompressed.parquet"), dir, threads.ToString(CultureInfo.InvariantCulture)])
    { RedirectStandardOutput = true, WorkingDirectory = Path.Combine(root, "tools", "parquet-interop") };
    using var node = Process.Start(psi)!;
    var duck = JsonNode.Parse(node.StandardOutput.ReadToEnd())!.AsObject();
    node.WaitForExit();
    double D(string k) => duck[k]!.GetValue<double>();
    foreach (var codec in new[] { "uncompressed", "zstd" })
        Console.WriteLine($"duckdb {codec,-12} COPY  {D($"copy_{codec}"),7:F2} s {floatMb / D($"copy_{codec}"),8:F0} MB/s   scan sum(list_sum) {D($"scan_own_{codec}"),7:F2} s {floatMb / D($"scan_own_{codec}"),8:F0} MB/s");
    Console.WriteLine($"duckdb scan of our uncompressed file {D("scan_ours"),7:F2} s; sums: ours {expectedSum:G8}, DuckDB on our file {D("sum_ours"):G8}, on its own {D("sum_own_uncompressed"):G8}");
    Console.WriteLine();
    Console.WriteLine("ratio (DuckDB time / our time; > 1 means we are faster)");
    Console.WriteLine($"  write uncompressed {D("copy_uncompressed") / results["write_Uncompressed"]:F2}   write zstd {D("copy_zstd") / results["write_Zstd"]:F2}");
    Console.WriteLine($"  read  uncompressed {D("scan_own_uncompressed") / results["read_Uncompressed"]:F2}   read  zstd {D("scan_own_zstd") / results["read_Zstd"]:F2}");
}
finally { Directory.Delete(dir, recursive: true); }

double Write(string path, ParquetField[] fields, ParquetCompression codec)
{
    using var w = ParquetWriter.Create(path, fields, new ParquetWriterOptions { Compression = codec });
    var ids = new long[Batch]; var pos = new int[Batch]; var tok = new int[Batch]; var starts = new int[Batch]; var ends = new int[Batch];
    var text = new string?[Batch];
    var vec = new float[Batch * dim];
    string[] vocabulary = [.. Enumerable.Range(0, 1000).Select(i => "tok" + i)];
    var rng = new Random(1);
    for (int i = 0; i < vec.Length; i++) vec[i] = (float)(rng.NextDouble() * 2 - 1);
    double sum = 0;
    for (int start = 0; start < rows; start += Batch)
    {
        int n = Math.Min(Batch, rows - start);
        for (int i = 0; i < n; i++)
        {
            int row = start + i;
            ids[i] = row / 128; pos[i] = row % 128; tok[i] = row % 50257; text[i] = vocabulary[row % 1000];
            starts[i] = pos[i] * 4; ends[i] = pos[i] * 4 + 3;
        }
        // Vary the activations cheaply per batch so pages differ.
        vec[start / Batch % vec.Length] += 1;
        w.WriteInt64("example_id", ids.AsSpan(0, n)); w.WriteInt32("position", pos.AsSpan(0, n)); w.WriteInt32("token_id", tok.AsSpan(0, n));
        w.WriteStrings("token", text.AsSpan(0, n)); w.WriteInt32("char_start", starts.AsSpan(0, n)); w.WriteInt32("char_end", ends.AsSpan(0, n));
        w.WriteFloatVectors("vec", vec.AsSpan(0, n * dim));
        w.EndBatch();
        sum += System.Numerics.Tensors.TensorPrimitives.Sum<float>(vec.AsSpan(0, n * dim));
    }
    w.Finish();
    return sum;
}

double ReadAll(string path, out long largest)
{
    using var r = ParquetReader.Open(path);
    double sum = 0;
    largest = 0;
    float[] buffer = [];
    foreach (var g in r.RowGroups)
    {
        int needed = checked((int)(g.RowCount * dim));
        if (buffer.Length < needed) buffer = new float[needed];
        r.ReadFloatVectors(g.Index, "vec", buffer.AsSpan(0, needed));
        largest = Math.Max(largest, needed * 4L);
        sum += System.Numerics.Tensors.TensorPrimitives.Sum<float>(buffer.AsSpan(0, needed));
    }
    return sum;
}

int Arg(string name, int fallback)
{
    int i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
}

static string FindRoot()
{
    var d = new DirectoryInfo(AppContext.BaseDirectory);
    while (d is not null && !File.Exists(Path.Combine(d.FullName, "Analysis.sln"))) d = d.Parent;
    return d?.FullName ?? throw new InvalidOperationException("Run the benchmark from inside the repository.");
}
