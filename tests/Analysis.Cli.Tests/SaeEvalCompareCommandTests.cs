using System.Text.Json;
using Analysis.Parquet;
using Analysis.Sae;

namespace Analysis.Cli.Tests;

/// <summary>`analysis sae eval` and `analysis sae compare` through the command line: exit codes, the files they write, and bad input (exit 2, one sentence, nothing written).</summary>
public sealed class SaeEvalCompareCommandTests
{
    private const string Hook = "blocks.0.hook_resid_post";
    private const int D = 16, Latents = 24;

    private static string SaveRandomSae(string folder, string hook, int d, ulong seed)
    {
        new Analysis.Sae.Sae(SaeArchitecture.TopK, 3, SaeWeights.Initial(d, Latents, new float[d], seed), new SaeInfo { HookName = hook }).Save(folder);
        return folder;
    }

    /// <summary>A copy of the SAE in <paramref name="source"/> with its latents in reverse order.</summary>
    private static string SaveReversed(string source, string folder)
    {
        var sae = Analysis.Sae.Sae.Load(source);
        var (d, m, w) = (sae.DIn, sae.DSae, sae.Weights);
        float[] Rows(float[] src) { var r = new float[src.Length]; for (var j = 0; j < m; j++) Array.Copy(src, (m - 1 - j) * d, r, j * d, d); return r; }
        new Analysis.Sae.Sae(sae.Architecture, sae.K, new SaeWeights(d, m, Rows(w.EncoderRows), [.. w.EncoderBias.Reverse()], Rows(w.DecoderRows), w.DecoderBias), sae.Info).Save(folder);
        return folder;
    }

    private static string Dataset(string dir, int rows)
    {
        Directory.CreateDirectory(dir);
        var random = new Random(5);
        using var writer = ParquetWriter.Create(Path.Combine(dir, "part-00000.parquet"),
            [ParquetField.Int64("example_id"), ParquetField.Int32("position"), ParquetField.FloatVector(Hook, D)]);
        writer.WriteInt64("example_id", Enumerable.Range(0, rows).Select(i => (long)(i / 10)).ToArray());
        writer.WriteInt32("position", Enumerable.Range(0, rows).Select(i => i % 10).ToArray());
        writer.WriteFloatVectors(Hook, Enumerable.Range(0, rows * D).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray());
        writer.EndBatch();
        writer.Finish();
        return dir;
    }

    [Fact]
    public async Task Eval_writes_eval_json_and_the_spliced_model_and_refuses_bad_input()
    {
        var temp = Directory.CreateTempSubdirectory("analysis-sae-eval-").FullName;
        try
        {
            var model = Path.Combine(Cli.Root, "onnx-models", "stories260k");
            var stories = Path.Combine(Cli.Root, "tools", "demo", "stories.jsonl");
            var sae = SaveRandomSae(Path.Combine(temp, "sae"), "blocks.2.hook_resid_post", 64, 3);
            var output = Path.Combine(temp, "eval");
            string[] Eval(string saeFolder, string output, params string[] more) =>
                ["sae", "eval", "--sae", saeFolder, "--model", model, "--data", stories, "--max-sequences", "3", "--max-length", "24", "-o", output, .. more];

            var (code, stdout, stderr) = await Cli.Run([.. Eval(sae, output), "--json"]);
            Assert.True(code == 0, stdout + stderr);
            using var printed = JsonDocument.Parse(stdout);
            using var written = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "eval.json")));
            foreach (var field in new[] { "fvu", "mse", "l0", "dead_fraction", "ce_loss_clean", "ce_loss_spliced", "ce_loss_zero_ablation", "ce_loss_recovered", "kl_div" })
            {
                Assert.True(written.RootElement.TryGetProperty(field, out var value) && double.IsFinite(value.GetDouble()), field);
                Assert.Equal(value.GetDouble(), printed.RootElement.GetProperty(field).GetDouble());
            }
            Assert.Equal(3, written.RootElement.GetProperty("l0").GetDouble(), 9);   // TopK, k = 3
            Assert.True(new FileInfo(Path.Combine(output, "spliced.onnx")).Length > 100_000);
            Assert.True(File.Exists(Path.Combine(output, "results.json")));
            Assert.Empty(Directory.GetFiles(output, "*.tmp"));

            var wrongHook = SaveRandomSae(Path.Combine(temp, "wrong-hook"), "blocks.9.hook_resid_post", 64, 4);
            var bad = Path.Combine(temp, "bad");
            await Cli.AssertBadInput(Eval(Path.Combine(temp, "missing"), bad), "is not an SAE folder", bad);
            await Cli.AssertBadInput(Eval(wrongHook, bad), "blocks.9.hook_resid_post", bad);
            await Cli.AssertBadInput([.. Eval(sae, bad).Select(a => a == "24" ? "1" : a)], "--max-length 1", bad);
        }
        finally { Directory.Delete(temp, true); }
    }

    [Fact]
    public async Task Compare_writes_matches_trajectories_and_correlations_and_refuses_bad_input()
    {
        var temp = Directory.CreateTempSubdirectory("analysis-sae-compare-").FullName;
        try
        {
            var data = Dataset(Path.Combine(temp, "acts"), 600);
            var a = SaveRandomSae(Path.Combine(temp, "a"), Hook, D, 1);
            var reversed = SaveReversed(a, Path.Combine(temp, "reversed"));
            var other = SaveRandomSae(Path.Combine(temp, "other"), Hook, D, 2);
            var output = Path.Combine(temp, "cmp");

            // Arguments out of training order: --steps puts them in order (other, a, reversed).
            var (code, stdout, stderr) = await Cli.Run("sae", "compare", a, other, reversed, "--steps", "10", "0", "20", "--data", data, "-o", output);
            Assert.True(code == 0, stdout + stderr);
            Assert.Contains("by activations (600 tokens)", stdout);
            using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "compare.json")));
            var pairs = json.RootElement.GetProperty("pairs").EnumerateArray().ToArray();
            Assert.Equal([(other, a), (a, reversed)], pairs.Select(p => (p.GetProperty("a").GetString(), p.GetProperty("b").GetString())));
            // a → its reversed copy: latent i matches latent m−1−i, by decoder cosine and by activations.
            var last = pairs[1];
            Assert.Equal([.. Enumerable.Range(0, Latents).Select(i => Latents - 1 - i)], last.GetProperty("one_to_one").EnumerateArray().Select(e => e.GetInt32()));
            Assert.Equal("optimal", last.GetProperty("one_to_one_method").GetString());
            var correlation = last.GetProperty("correlation");
            Assert.Equal(600, correlation.GetProperty("tokens").GetInt64());
            Assert.Equal(1, correlation.GetProperty("best_match_agreement").GetDouble());
            var trajectory = json.RootElement.GetProperty("trajectories").EnumerateArray().Single();
            Assert.Equal([0L, 10, 20], trajectory.GetProperty("steps").EnumerateArray().Select(e => e.GetInt64()));
            Assert.All(json.RootElement.GetProperty("saes").EnumerateArray(), s =>
            {
                Assert.Equal(600, s.GetProperty("tokens").GetInt64());
                Assert.InRange(s.GetProperty("effective_features").GetDouble(), 1, Latents);
            });
            using (var reader = ParquetReader.Open(Path.Combine(output, "trajectories.parquet"))) Assert.Equal(Latents * 3, reader.RowCount);
            Assert.True(File.Exists(Path.Combine(output, "results.json")));

            // A sweep folder stands for its SAE subfolders.
            var sweep = Path.Combine(temp, "sweep");
            SaveReversed(SaveRandomSae(Path.Combine(sweep, "h.topk.m24.k3"), Hook, D, 7), Path.Combine(sweep, "h.topk.m24.k3.reversed"));
            (code, stdout, stderr) = await Cli.Run("sae", "compare", sweep, "-o", Path.Combine(temp, "sweep-cmp"));
            Assert.True(code == 0, stdout + stderr);
            Assert.Contains("one-to-one (optimal) mean cosine 1.000", stdout);

            var wide = SaveRandomSae(Path.Combine(temp, "wide"), Hook, 2 * D, 5);
            var elsewhere = SaveRandomSae(Path.Combine(temp, "elsewhere"), "blocks.7.hook_resid_post", D, 6);
            var bad = Path.Combine(temp, "bad");
            await Cli.AssertBadInput(["sae", "compare", a, "-o", bad], "at least two SAE folders", bad);
            await Cli.AssertBadInput(["sae", "compare", a, Path.Combine(temp, "missing"), "-o", bad], "is not an SAE folder", bad);
            await Cli.AssertBadInput(["sae", "compare", a, wide, "-o", bad], "different widths", bad);
            await Cli.AssertBadInput(["sae", "compare", a, reversed, "--steps", "1", "-o", bad], "--steps gives 1 steps for 2 SAE arguments", bad);
            await Cli.AssertBadInput(["sae", "compare", a, reversed, "--threshold", "3", "-o", bad], "--threshold 3", bad);
            await Cli.AssertBadInput(["sae", "compare", a, reversed, "--data", Path.Combine(temp, "nope"), "-o", bad], "does not exist", bad);
            await Cli.AssertBadInput(["sae", "compare", a, elsewhere, "--data", data, "-o", bad], "Hook 'blocks.7.hook_resid_post'", bad);
            var wideOnData = SaveRandomSae(Path.Combine(temp, "wide-on-data"), Hook, 2 * D, 8);
            await Cli.AssertBadInput(["sae", "compare", wideOnData, SaveReversed(wideOnData, Path.Combine(temp, "wide-reversed")), "--data", data, "-o", bad], $"has {D} values per row", bad);
        }
        finally { Directory.Delete(temp, true); }
    }
}
