// Benchmark: write and read rows × 768 float32 activations plus the id columns of an activation dataset, uncompressed and
// ZSTD, against DuckDB doing the same COPY / native scan in the same run. Ratios > 1 mean we are faster.
// Usage: dotnet run -c Release --project tools/bench/parquet -- [--rows N] [--dim D] [--threads T]
using System.Diagnostics;
using System.Globalization;
using Analysis.Parquet;

int rows = Arg("--rows", 100_000), dim = Arg("--dim", 768), threads = Arg("--threads", 1), rounds = Arg("--rounds", 3);
const int Batch = 512;
string dir = Directory.CreateTempSubdirectory("parquet-bench-").FullName;
Console.WriteLine($"rows {rows:N0} × dim {dim} float32 + example_id, position, token_id, token, char_start, char_end; batch {Batch} rows;");
Console.WriteLine($"DuckDB threads {threads}; best of {rounds} interleaved rounds; scratch {dir}");
double floatMb = (double)rows * dim * 4 / 1e6;
var best = new Dictionary<string, double>();
void Record(string key, double seconds) => best[key] = Math.Min(best.GetValueOrDefault(key, double.MaxValue), seconds);
try
{
    var fields = new[]
    {
        ParquetField.Int64("example_id"), ParquetField.Int32("position"), ParquetField.Int32("token_id"), ParquetField.String("token"),
        ParquetField.Int32("char_start"), ParquetField.Int32("char_end"), ParquetField.FloatVector("vec", dim),
    };
    double ourSum = 0, ourReadSum = 0, duckSum = 0, duckOnOurs = 0;
    var sizes = new Dictionary<string, long>();
    for (int round = 0; round < rounds; round++)
    {
        foreach (var codec in new[] { ParquetCompression.Uncompressed, ParquetCompression.Zstd })
        {
            string path = Path.Combine(dir, $"ours-{codec}.parquet");
            GC.Collect();
            ourSum = Write(path, fields, codec, out double writeSeconds);
            Record($"write_{codec}", writeSeconds);
            ourReadSum = ReadAll(path, out double readSeconds);
            Record($"read_{codec}", readSeconds);
            sizes[$"ours_{codec}"] = new FileInfo(path).Length;
        }
        var duck = DuckDbSide.Run(Path.Combine(dir, "ours-Uncompressed.parquet"), dir, threads);
        foreach (var (k, v) in duck) if (!k.StartsWith("sum", StringComparison.Ordinal)) Record("duck_" + k, v);
        duckSum = duck["sum_own_uncompressed"];
        duckOnOurs = duck["sum_ours"];
        foreach (var codec in new[] { "uncompressed", "zstd" }) sizes[$"duck_{codec}"] = new FileInfo(Path.Combine(dir, $"duckdb-{codec}.parquet")).Length;
    }
    string Rate(double s) => $"{s,7:F2} s {floatMb / s,7:F0} MB/s";
    foreach (var (codec, duckCodec) in new[] { (ParquetCompression.Uncompressed, "uncompressed"), (ParquetCompression.Zstd, "zstd") })
    {
        Console.WriteLine($"{duckCodec,-12} ours   write {Rate(best[$"write_{codec}"])}   read vec → float[] {Rate(best[$"read_{codec}"])}   file {sizes[$"ours_{codec}"] / 1e6:F0} MB");
        Console.WriteLine($"{duckCodec,-12} DuckDB COPY  {Rate(best[$"duck_copy_{duckCodec}"])}   sum(list_sum(vec)) {Rate(best[$"duck_scan_own_{duckCodec}"])}   file {sizes[$"duck_{duckCodec}"] / 1e6:F0} MB");
    }
    Console.WriteLine($"DuckDB sum(list_sum) over our uncompressed file {Rate(best["duck_scan_ours"])}");
    Console.WriteLine($"checksums: written {ourSum:G7}, read back by us {ourReadSum:G7}, DuckDB on our file {duckOnOurs:G7}, DuckDB on its own {duckSum:G7}");
    Console.WriteLine($"peak working set of this process {Process.GetCurrentProcess().PeakWorkingSet64 / 1e6:F0} MB (float data {floatMb:F0} MB, row groups of 128 MiB)");
    Console.WriteLine("ratios (DuckDB time / our time; > 1 means we are faster):");
    Console.WriteLine($"  write uncompressed {best["duck_copy_uncompressed"] / best["write_Uncompressed"]:F2}   write zstd {best["duck_copy_zstd"] / best["write_Zstd"]:F2}");
    Console.WriteLine($"  read  uncompressed {best["duck_scan_own_uncompressed"] / best["read_Uncompressed"]:F2}   read  zstd {best["duck_scan_own_zstd"] / best["read_Zstd"]:F2}");
}
finally { Directory.Delete(dir, recursive: true); }

double Write(string path, ParquetField[] fields, ParquetCompression codec, out double seconds)
{
    // Only the writer's work is timed; making up the activations is not.
    var timer = new Stopwatch();
    ulong state = 0x9E3779B97F4A7C15;
    timer.Start();
    using var w = ParquetWriter.Create(path, fields, new ParquetWriterOptions { Compression = codec });
    var ids = new long[Batch]; var pos = new int[Batch]; var tok = new int[Batch]; var starts = new int[Batch]; var ends = new int[Batch];
    var text = new string?[Batch];
    var vec = new float[Batch * dim];
    string[] vocabulary = [.. Enumerable.Range(0, 1000).Select(i => "tok" + i)];
    double sum = 0;
    for (int start = 0; start < rows; start += Batch)
    {
        int n = Math.Min(Batch, rows - start);
        timer.Stop();
        // Fresh pseudo-random activations in [-1, 1) per batch (xorshift64), like real hidden states: barely compressible.
        for (int i = 0; i < n * dim; i++)
        {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17;
            vec[i] = (float)((state >> 40) * (2.0 / (1UL << 24)) - 1.0);
        }
        sum += Checksum(vec.AsSpan(0, n * dim));
        timer.Start();
        for (int i = 0; i < n; i++)
        {
            int row = start + i;
            ids[i] = row / 128; pos[i] = row % 128; tok[i] = row % 50257; text[i] = vocabulary[row % 1000];
            starts[i] = pos[i] * 4; ends[i] = pos[i] * 4 + 3;
        }
        w.WriteInt64("example_id", ids.AsSpan(0, n)); w.WriteInt32("position", pos.AsSpan(0, n)); w.WriteInt32("token_id", tok.AsSpan(0, n));
        w.WriteStrings("token", text.AsSpan(0, n)); w.WriteInt32("char_start", starts.AsSpan(0, n)); w.WriteInt32("char_end", ends.AsSpan(0, n));
        w.WriteFloatVectors("vec", vec.AsSpan(0, n * dim));
        w.EndBatch();
    }
    w.Finish();
    seconds = timer.Elapsed.TotalSeconds;
    return sum;
}

double ReadAll(string path, out double seconds)
{
    // Only opening and reading are timed; the checksum is not.
    var timer = Stopwatch.StartNew();
    using var r = ParquetReader.Open(path);
    double sum = 0;
    float[] buffer = [];
    foreach (var g in r.RowGroups)
    {
        int needed = checked((int)(g.RowCount * dim));
        if (buffer.Length < needed) buffer = new float[needed];
        r.ReadFloatVectors(g.Index, "vec", buffer.AsSpan(0, needed));
        timer.Stop();
        sum += Checksum(buffer.AsSpan(0, needed));
        timer.Start();
    }
    seconds = timer.Elapsed.TotalSeconds;
    return sum;
}

// Sum in double so our checksums agree with DuckDB's to many digits whatever the order.
static double Checksum(ReadOnlySpan<float> values)
{
    double s = 0;
    foreach (var v in values) s += v;
    return s;
}

int Arg(string name, int fallback)
{
    int i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
}
