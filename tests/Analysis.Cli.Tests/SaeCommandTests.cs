using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using Analysis.Parquet;

namespace Analysis.Cli.Tests;

/// <summary>`analysis sae train|encode`: sweeps, --json, encode to sparse Parquet, bad input, and resume after SIGKILL.</summary>
public sealed class SaeCommandTests
{
    private const string Hook = "blocks.0.hook_resid_post";

    /// <summary>Writes a small dataset: tokens that are sparse sums of random unit directions, 16 tokens per example.</summary>
    private static string Dataset(string dir, int rows, int d = 16, bool nanRow = false)
    {
        Directory.CreateDirectory(dir);
        var rng = new Random(3);
        var atoms = Enumerable.Range(0, 40).Select(_ =>
        {
            var v = Enumerable.Range(0, d).Select(_ => rng.NextDouble() - 0.5).ToArray();
            var n = Math.Sqrt(v.Sum(a => a * a));
            return v.Select(a => (float)(a / n)).ToArray();
        }).ToArray();
        var x = new float[rows * d];
        for (var i = 0; i < rows; i++)
            for (var a = 0; a < 3; a++)
            {
                var atom = atoms[rng.Next(atoms.Length)];
                var w = (float)(0.5 + rng.NextDouble());
                for (var t = 0; t < d; t++) x[i * d + t] += w * atom[t];
            }
        if (nanRow) x[(rows - 5) * d + 3] = float.NaN;
        using var writer = ParquetWriter.Create(Path.Combine(dir, "part-00000.parquet"),
            [ParquetField.Int64("example_id"), ParquetField.Int32("position"), ParquetField.FloatVector(Hook, d)],
            new ParquetWriterOptions { RowGroupSize = 1 });
        for (var r0 = 0; r0 < rows; r0 += 1000)
        {
            var n = Math.Min(1000, rows - r0);
            writer.WriteInt64("example_id", Enumerable.Range(r0, n).Select(i => (long)(i / 16)).ToArray());
            writer.WriteInt32("position", Enumerable.Range(r0, n).Select(i => i % 16).ToArray());
            writer.WriteFloatVectors(Hook, x.AsSpan(r0 * d, n * d));
            writer.EndBatch();
        }
        writer.Finish();
        return dir;
    }

    private static string[] Train(string data, string output, params string[] more) =>
        ["sae", "train", "--data", data, "--hook", Hook, "--latents", "48", "--k", "3", "--tokens", "20000", "--batch-size", "200", "--lr", "0.003", "--seed", "4", "-o", output, .. more];

    [Fact]
    public async Task SweepTrainsOneFolderPerSaeAndEncodeWritesSparseCodes()
    {
        var temp = Directory.CreateTempSubdirectory("analysis-sae-").FullName;
        try
        {
            var data = Dataset(Path.Combine(temp, "acts"), 5000);
            var output = Path.Combine(temp, "sweep");
            var (code, stdout, stderr) = await Cli.Run(["sae", "train", "--data", data, "--hook", Hook, "--latents", "32", "64", "--k", "2", "4",
                "--tokens", "20000", "--batch-size", "200", "--lr", "0.003", "--json", "-o", output]);
            Assert.True(code == 0, stdout + stderr);
            using var json = JsonDocument.Parse(stdout);
            foreach (var field in new[] { "fvu", "l0", "dead_fraction", "tokens", "tokens_per_s" }) Assert.True(json.RootElement.TryGetProperty(field, out _), field);
            var saes = json.RootElement.GetProperty("saes").EnumerateArray().ToArray();
            Assert.Equal(4, saes.Length);
            foreach (var s in saes)
            {
                var folder = s.GetProperty("folder").GetString()!;
                foreach (var f in new[] { "sae_weights.safetensors", "cfg.json", "sae.onnx" }) Assert.True(File.Exists(Path.Combine(folder, f)), folder + "/" + f);
                Assert.Equal(s.GetProperty("k").GetInt32(), s.GetProperty("l0").GetDouble(), 1e-9); // TopK: exactly k per token
            }
            Assert.True(File.Exists(Path.Combine(output, "metrics.jsonl")));
            Assert.False(Directory.Exists(Path.Combine(output, "_checkpoint")));

            // The same command again: nothing to do, the same results.
            (code, var again, stderr) = await Cli.Run(["sae", "train", "--data", data, "--hook", Hook, "--latents", "32", "64", "--k", "2", "4",
                "--tokens", "20000", "--batch-size", "200", "--lr", "0.003", "--json", "-o", output]);
            Assert.True(code == 0, again + stderr);
            Assert.Equal(stdout, again);

            var sae = saes.First(s => s.GetProperty("k").GetInt32() == 4 && s.GetProperty("d_sae").GetInt32() == 64).GetProperty("folder").GetString()!;
            (code, stdout, stderr) = await Cli.Run("sae", "encode", "--sae", sae, "--data", data, "-o", Path.Combine(temp, "codes"));
            Assert.True(code == 0, stdout + stderr);
            using var reader = ParquetReader.Open(Path.Combine(temp, "codes", "codes.parquet"));
            Assert.Equal(["row", "example_id", "position", "latent", "value"], reader.Columns.Select(c => c.FieldName));
            Assert.Equal(5000 * 4, reader.RowCount); // k = 4 latents per token
            var rows = reader.ReadColumn(0, "row").Values<long>().ToArray();
            Assert.Equal(rows.Order(), rows);
            Assert.True(reader.ReadColumn(0, "value").Values<float>().ToArray().All(v => v > 0));
        }
        finally { Directory.Delete(temp, true); }
    }

    [Fact]
    public async Task BadInputExitsTwoWithOneSentenceAndWritesNothing()
    {
        var temp = Directory.CreateTempSubdirectory("analysis-sae-bad-").FullName;
        try
        {
            var data = Dataset(Path.Combine(temp, "acts"), 3000);
            var nan = Dataset(Path.Combine(temp, "nan"), 3000, nanRow: true);
            var output = Path.Combine(temp, "out");
            var cases = new (string[] Args, string Expected)[]
            {
                ([.. Train(data, output).Select(a => a == Hook ? "blocks.9.hook_nope" : a)], "Hook 'blocks.9.hook_nope' is not in"),
                ([.. Train(data, output).Select(a => a == "3" ? "100" : a)], "--k 100 is not between 1 and the number of latents (48)"),
                (Train(nan, output), "NaN"),
                ([.. Train(data, output), "--architecture", "gated"], "Unknown SAE architecture 'gated'"),
            };
            foreach (var (args, expected) in cases) await Cli.AssertBadInput(args, expected, output);

            // An output folder holding another SAE (other settings) is refused, and left as it was.
            var (ok, o, e) = await Cli.Run(Train(data, output));
            Assert.True(ok == 0, o + e);
            var before = Directory.GetFiles(output, "*", SearchOption.AllDirectories).ToDictionary(f => f, File.ReadAllBytes);
            var (refused, _, err) = await Cli.Run([.. Train(data, output).Select(a => a == "48" ? "64" : a)]);
            Assert.True(refused == 2, err);
            Assert.Contains("already holds another SAE", err);
            var after = Directory.GetFiles(output, "*", SearchOption.AllDirectories);
            Assert.Equal(before.Keys.Order(), after.Order());
            foreach (var f in after) Assert.Equal(before[f], File.ReadAllBytes(f));
        }
        finally { Directory.Delete(temp, true); }
    }

    /// <summary>
    /// --engine onnx trains through ONNX Runtime and says so; the SIMD engine on CUDA, an unknown engine, and CUDA where its
    /// libraries are missing each exit 2 with one sentence and leave nothing behind.
    /// </summary>
    [Fact]
    public async Task EngineAndDeviceChoices()
    {
        var temp = Directory.CreateTempSubdirectory("analysis-sae-engine-").FullName;
        try
        {
            var data = Dataset(Path.Combine(temp, "acts"), 2000);
            var output = Path.Combine(temp, "onnx");
            var (code, stdout, stderr) = await Cli.Run([.. Train(data, output, "--engine", "onnx", "--json")]);
            Assert.True(code == 0, stdout + stderr);
            using (var json = JsonDocument.Parse(stdout))
            {
                Assert.Equal("onnx on cpu", json.RootElement.GetProperty("engine").GetString());
                Assert.InRange(json.RootElement.GetProperty("fvu").GetDouble(), 0, 0.5);
            }
            Assert.True(File.Exists(Path.Combine(output, "sae_weights.safetensors")));
            var refused = new List<string[]> { Train(data, Path.Combine(temp, "a"), "--engine", "simd", "--device", "cuda"), Train(data, Path.Combine(temp, "b"), "--engine", "gpu") };
            var cudaMissing = Analysis.Runtime.CudaLibraries.Check().FirstMissing is not null;
            if (cudaMissing) refused.Add(Train(data, Path.Combine(temp, "c"), "--device", "cuda"));
            foreach (var args in refused)
            {
                (code, _, stderr) = await Cli.Run(args);
                Assert.True(code == 2, $"{string.Join(' ', args)}: exit {code}: {stderr}");
                Assert.False(Directory.Exists(args[Array.IndexOf(args, "-o") + 1]), $"{string.Join(' ', args)} left its output folder behind");
            }
        }
        finally { Directory.Delete(temp, true); }
    }

    /// <summary>kill -9 after a checkpoint, then the same command: the weights equal an uninterrupted run's, byte for byte.</summary>
    [Fact]
    public async Task KilledRunResumesToTheSameWeights()
    {
        var temp = Directory.CreateTempSubdirectory("analysis-sae-kill-").FullName;
        try
        {
            var data = Dataset(Path.Combine(temp, "acts"), 6000, d: 32);
            string[] Args(string o) => ["sae", "train", "--data", data, "--hook", Hook, "--latents", "256", "--k", "8", "--tokens", "600000",
                "--batch-size", "500", "--lr", "0.002", "--seed", "9", "--checkpoint-every", "40", "--dead-tokens", "2000", "-o", o];
            var killed = Path.Combine(temp, "killed");
            var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true };
            start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "analysis.dll"));
            foreach (var a in Args(killed)) start.ArgumentList.Add(a);
            using (var process = Process.Start(start)!)
            {
                var state = Path.Combine(killed, "_checkpoint", "state.json");
                var clock = Stopwatch.StartNew();
                while (!File.Exists(state) && !process.HasExited && clock.Elapsed < TimeSpan.FromMinutes(3)) Thread.Sleep(5);
                if (process.HasExited) Assert.Fail($"the run ended (exit {process.ExitCode}) before it could be killed: {await process.StandardError.ReadToEndAsync()}");
                process.Kill(); // SIGKILL: no cleanup runs
                await process.WaitForExitAsync();
            }
            Assert.False(File.Exists(Path.Combine(killed, "sae_weights.safetensors")), "the killed run had already finished");
            var (code, o, e) = await Cli.Run(Args(killed));
            Assert.True(code == 0, o + e);
            var clean = Path.Combine(temp, "clean");
            (code, o, e) = await Cli.Run(Args(clean));
            Assert.True(code == 0, o + e);
            foreach (var f in new[] { "sae_weights.safetensors", "sae.onnx" })
                Assert.Equal(Hash(Path.Combine(clean, f)), Hash(Path.Combine(killed, f)));
            string Metrics(string dir) => string.Join('\n', File.ReadLines(Path.Combine(dir, "metrics.jsonl"))
                .Select(l => JsonDocument.Parse(l).RootElement).Select(m => $"{m.GetProperty("step")} {m.GetProperty("loss")} {m.GetProperty("dead_fraction")}"));
            Assert.Equal(Metrics(clean), Metrics(killed));
        }
        finally { Directory.Delete(temp, true); }
    }

    private static string Hash(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));
}
